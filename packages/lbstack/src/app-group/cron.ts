/**
 * Checks for the recurrence and time zone of EC2 Auto Scaling scheduled actions: pure functions,
 * no Pulumi calls. The recurrence is Unix cron with five fields, `[Minute] [Hour] [Day_of_Month]
 * [Month_of_Year] [Day_of_Week]`, evaluated in UTC unless the action names a time zone.
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScheduledUpdateGroupAction.html
 */

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface CronField { name: string; min: number; max: number; names?: string[]; namesStartAt?: number }

/** The five fields in order, with their ranges (crontab(5): day of week 0–7, 0 and 7 are Sunday). */
export const CRON_FIELDS: readonly CronField[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: MONTHS, namesStartAt: 1 },
    { name: "day of week", min: 0, max: 7, names: DAYS, namesStartAt: 0 },
];

function value(token: string, f: CronField): number | string {
    if (/^\d+$/.test(token)) {
        const n = Number(token);
        return n < f.min || n > f.max ? `${f.name} ${n} is outside ${f.min}–${f.max}` : n;
    }
    const i = f.names?.indexOf(token.toLowerCase()) ?? -1;
    if (i >= 0) return i + (f.namesStartAt ?? 0);
    return f.names
        ? `${f.name} "${token}" must be a number ${f.min}–${f.max} or a name such as ${f.names[1].toUpperCase()}`
        : `${f.name} "${token}" must be a number ${f.min}–${f.max}`;
}

function fieldIssue(text: string, f: CronField): string | undefined {
    for (const item of text.split(",")) {
        if (item === "") return `${f.name} "${text}" has an empty list item`;
        const [range, step, extra] = item.split("/");
        if (extra !== undefined) return `${f.name} "${item}" has more than one /`;
        if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `${f.name} step "${step}" must be a whole number of at least 1`;
        if (range === "*") continue;
        const bounds = range.split("-");
        if (bounds.length > 2) return `${f.name} "${range}" is not a value or a range a-b`;
        const values = bounds.map((b) => value(b, f));
        const bad = values.find((v) => typeof v === "string");
        if (bad !== undefined) return bad as string;
        if (values.length === 2 && (values[0] as number) > (values[1] as number)) return `${f.name} range "${range}" must go from the lower value to the higher`;
    }
    return undefined;
}

/**
 * The problem with a recurrence, or undefined when it is a valid five-field cron expression.
 * Accepts `*`, values, ranges `a-b`, steps `*\/n` and `a-b/n`, lists `a,b`, and month and
 * weekday names (`JAN`, `MON`).
 */
export function cronIssue(expression: string): string | undefined {
    const fields = expression.trim().split(/\s+/);
    if (expression.trim() === "" || fields.length !== 5) {
        return `must have 5 fields (minute hour day-of-month month day-of-week), such as "0 8 * * 1-5"; found ${expression.trim() === "" ? 0 : fields.length}`;
    }
    for (let i = 0; i < 5; i++) {
        const issue = fieldIssue(fields[i], CRON_FIELDS[i]);
        if (issue) return issue;
    }
    return undefined;
}

let zones: Set<string> | undefined;

/**
 * Whether `name` is an IANA time zone name. Canonical names from `Intl.supportedValuesOf`, `UTC`
 * and `Etc/UTC`, plus names the runtime's time zone database accepts in `Area/Location` or
 * `Etc/GMT±n` form (ICU lists some zones under older canonical names, e.g. Asia/Calcutta for
 * Asia/Kolkata, so the list alone would refuse valid IANA names).
 */
export function isTimeZone(name: string): boolean {
    zones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC", "Etc/UTC"]);
    if (zones.has(name)) return true;
    if (!/^(Etc\/GMT[+-]\d{1,2}|[A-Z][A-Za-z_]+(\/[A-Z][A-Za-z0-9_+-]*)+)$/.test(name)) return false;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: name });
        return true;
    } catch {
        return false;
    }
}
