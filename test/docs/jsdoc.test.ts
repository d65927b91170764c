import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { LBSTACK_SRC, Missing, undocumentedArgsFields, undocumentedSpecFields } from "./jsdoc-coverage";

/**
 * Every public field of lbstack has JSDoc: the spec fields users write (the zod shapes in
 * src/**​/*schema.ts) and the fields of the exported `…Args` / `…Transforms` types. They are what
 * an editor shows on hover and what `npm run docs` puts in the API reference.
 *
 * KNOWN_GAPS held the fields that had no JSDoc when this check was added, so it could start strict
 * for everything else. Every one is documented now and the list must stay empty: a new field gets
 * its JSDoc in the change that adds it, never a line here.
 */
const KNOWN_GAPS: string[] = [];

/** `file field`, the form KNOWN_GAPS uses (lines move, names do not). */
const key = (m: Missing) => `${m.where.replace(/:\d+$/, "")} ${m.field}`;

function undocumented(root = LBSTACK_SRC): Missing[] {
    return [...undocumentedSpecFields(root), ...undocumentedArgsFields(root)];
}

test("every public spec field and args field has JSDoc, and no known gaps are left", () => {
    expect({ knownGaps: KNOWN_GAPS }).toEqual({ knownGaps: [] });
    const missing = undocumented();
    expect({ undocumented: missing.map((m) => `${m.where} ${m.field}`) }).toEqual({ undocumented: [] });
});

describe("the check is precise: in a copy of src, deleting one JSDoc is reported", () => {
    let copy: string;
    beforeEach(() => {
        copy = fs.mkdtempSync(path.join(os.tmpdir(), "lbstack-jsdoc-"));
        fs.cpSync(LBSTACK_SRC, copy, { recursive: true });
    });
    afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

    /** Removes the JSDoc of the first declaration named `name` in `file` (relative to the copy). */
    function deleteJsDoc(file: string, name: string): void {
        const full = path.join(copy, file);
        const text = fs.readFileSync(full, "utf8");
        const sf = ts.createSourceFile(full, text, ts.ScriptTarget.ES2022, true);
        let target: ts.Node | undefined;
        const visit = (n: ts.Node) => {
            const named = (ts.isPropertyAssignment(n) || ts.isPropertySignature(n)) && ts.isIdentifier(n.name) && n.name.text === name;
            if (!target && named) target = n;
            ts.forEachChild(n, visit);
        };
        visit(sf);
        const docs = target && ts.getJSDocCommentsAndTags(target).filter(ts.isJSDoc);
        if (!docs || docs.length === 0) throw new Error(`${file}: no documented ${name}`);
        const doc = docs[0];
        fs.writeFileSync(full, text.slice(0, doc.getStart()) + text.slice(doc.end));
    }

    const newly = () => undocumented(copy).map(key).filter((k) => !KNOWN_GAPS.includes(k));

    test("a spec field's own JSDoc: network.vpcId", () => {
        expect(newly()).toEqual([]);
        deleteJsDoc("network/schema.ts", "vpcId");
        expect(newly()).toEqual(["network/schema.ts NetworkSpecSchema.vpcId"]);
    });

    test("the enclosing field's JSDoc that names a small nested shape: traffic.weights.primary and .backup", () => {
        deleteJsDoc("stack/schema.ts", "weights");
        expect(newly()).toEqual(["stack/schema.ts TrafficSchema.weights", "stack/schema.ts TrafficSchema.weights.primary", "stack/schema.ts TrafficSchema.weights.backup"]);
    });

    test("a field of a shape constant shared by several schemas: groupShape.capacity", () => {
        deleteJsDoc("app-group/schema.ts", "capacity");
        expect(newly()).toEqual(["app-group/schema.ts groupShape.capacity"]);
    });

    test("a field of an exported Transforms interface: LoadBalancedStackTransforms.vpc", () => {
        deleteJsDoc("stack/load-balanced-stack.ts", "vpc");
        expect(newly()).toEqual(["stack/load-balanced-stack.ts LoadBalancedStackTransforms.vpc"]);
    });

    test("a member of an exported args type alias: LoadBalancedStackArgs.transform", () => {
        deleteJsDoc("stack/load-balanced-stack.ts", "transform");
        expect(newly()).toEqual(["stack/load-balanced-stack.ts LoadBalancedStackArgs.transform"]);
    });
});
