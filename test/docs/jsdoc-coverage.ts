import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * Finds the public fields of lbstack that have no JSDoc: what users read in their editor and in
 * the API reference (`npm run docs`). Used by test/docs/jsdoc.test.ts.
 *
 * Two kinds of public field:
 * - **spec fields**: every property of an object literal given to `z.strictObject(…)` or
 *   `z.object(…)`, or held by a `…Shape` constant, in `src/**​/*schema.ts`. A field is documented by
 *   its own JSDoc, or, in a small nested shape such as `weights: z.strictObject({ primary, backup })`,
 *   by the enclosing field's JSDoc naming it in a code span (`` `{ primary: 90, backup: 10 }` ``);
 * - **args fields**: every property of the interfaces exported from `src/index.ts` whose names end
 *   in `Args` or `Transforms` (inherited ones included, wherever declared), and the members written
 *   in a type literal of such an exported type alias.
 */

export const LBSTACK_SRC = path.resolve(__dirname, "../../packages/lbstack/src");

/** One undocumented public field. */
export interface Missing {
    /** Path relative to packages/lbstack/src, with the 1-based line. */
    where: string;
    /** Dotted name, e.g. `TrafficSchema.weights.primary` or `AppGroupArgs.spec`. */
    field: string;
}

/** The JSDoc text (comment and tags) written directly on a node; "" when there is none. */
export function jsDocText(node: ts.Node): string {
    return ts.getJSDocCommentsAndTags(node)
        .filter(ts.isJSDoc)
        .map((d) => [ts.getTextOfJSDocComment(d.comment) ?? "", ...(d.tags ?? []).map((t) => ts.getTextOfJSDocComment(t.comment) ?? "")].join(" "))
        .join(" ")
        .trim();
}

function where(node: ts.Node, root: string): string {
    const sf = node.getSourceFile();
    return `${path.relative(root, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

function propertyName(name: ts.PropertyName): string {
    return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) ? name.text : name.getText();
}

/** Every file under `dir` whose name ends in `schema.ts`. */
export function schemaFiles(dir = LBSTACK_SRC): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return schemaFiles(full);
        return e.isFile() && e.name.endsWith("schema.ts") ? [full] : [];
    });
}

/** Every .ts file under `dir`. */
function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return sourceFiles(full);
        return e.isFile() && e.name.endsWith(".ts") ? [full] : [];
    });
}

/** `z.strictObject` / `z.object`. */
function isZodObjectCall(node: ts.Node): node is ts.CallExpression {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
    const { expression, name } = node.expression;
    return ts.isIdentifier(expression) && expression.text === "z" && (name.text === "strictObject" || name.text === "object");
}

/** The object literals that are spec shapes in one file. */
function shapesIn(sf: ts.SourceFile): ts.ObjectLiteralExpression[] {
    const shapes: ts.ObjectLiteralExpression[] = [];
    const visit = (node: ts.Node) => {
        if (isZodObjectCall(node) && node.arguments[0] && ts.isObjectLiteralExpression(node.arguments[0])) shapes.push(node.arguments[0]);
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && /shape$/i.test(node.name.text) &&
            node.initializer && ts.isObjectLiteralExpression(node.initializer)) shapes.push(node.initializer);
        ts.forEachChild(node, visit);
    };
    visit(sf);
    return shapes;
}

/** The field (property assignment) or constant that encloses a nested shape, and the dotted name of the shape. */
function enclosing(shape: ts.Node): { owner?: ts.Node; name: string } {
    const names: string[] = [];
    let owner: ts.Node | undefined;
    for (let n: ts.Node | undefined = shape.parent; n; n = n.parent) {
        if (ts.isPropertyAssignment(n)) {
            names.unshift(propertyName(n.name));
            owner ??= n;
        } else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) {
            names.unshift(n.name.text);
            owner ??= n;
            break;
        }
    }
    return { owner, name: names.join(".") };
}

/** True when `key` appears as a word inside a code span (backticks) of `doc`. */
function namedInCode(doc: string, key: string): boolean {
    const word = new RegExp(`(^|[^\\w$])${key.replace(/[$]/g, "\\$")}([^\\w$]|$)`);
    return (doc.match(/`[^`]*`/g) ?? []).some((span) => word.test(span));
}

/** Spec fields with no JSDoc, in every *schema.ts under `root` (lbstack's src). */
export function undocumentedSpecFields(root = LBSTACK_SRC): Missing[] {
    const missing: Missing[] = [];
    for (const file of schemaFiles(root)) {
        const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        for (const shape of shapesIn(sf)) {
            const { owner, name } = enclosing(shape);
            // Only a field may document the small shape it holds; a schema constant's JSDoc naming its
            // fields in passing does not document each of them.
            const ownerDoc = owner && ts.isPropertyAssignment(owner) ? jsDocText(owner) : "";
            for (const prop of shape.properties) {
                if (!ts.isPropertyAssignment(prop) && !ts.isShorthandPropertyAssignment(prop)) continue;
                const key = propertyName(prop.name);
                if (jsDocText(prop) !== "" || namedInCode(ownerDoc, key)) continue;
                missing.push({ where: where(prop, root), field: name ? `${name}.${key}` : key });
            }
        }
    }
    return missing;
}

/** Args fields with no JSDoc: `…Args` / `…Transforms` interfaces and type aliases exported from `root`/index.ts. */
export function undocumentedArgsFields(root = LBSTACK_SRC): Missing[] {
    const index = path.join(root, "index.ts");
    // lbstack's own sources only (noResolve, noLib): the members that matter are declared there, and
    // not loading @pulumi/aws's declarations keeps this well under a second.
    const program = ts.createProgram(sourceFiles(root), { noResolve: true, noLib: true, types: [], noEmit: true });
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
    const missing: Missing[] = [];
    const seen = new Set<ts.Node>();
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
        if (!/(Args|Transforms)$/.test(exported.name)) continue;
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        for (const decl of symbol.declarations ?? []) {
            const members: ts.Node[] = [];
            if (ts.isInterfaceDeclaration(decl)) {
                for (const p of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) members.push(...(p.declarations ?? []));
            } else if (ts.isTypeAliasDeclaration(decl)) {
                const visit = (n: ts.Node) => {
                    if (ts.isTypeLiteralNode(n)) members.push(...n.members);
                    ts.forEachChild(n, visit);
                };
                visit(decl.type);
            }
            for (const m of members) {
                // Only lbstack's own declarations: a member inherited from a library is documented there.
                if (!path.resolve(m.getSourceFile().fileName).startsWith(path.resolve(root) + path.sep) || seen.has(m)) continue;
                seen.add(m);
                if (jsDocText(m) !== "") continue;
                const owner = m.parent && (ts.isInterfaceDeclaration(m.parent) ? m.parent.name.text : exported.name);
                const name = (m as ts.NamedDeclaration).name;
                missing.push({ where: where(m, root), field: `${owner}.${name ? propertyName(name as ts.PropertyName) : "?"}` });
            }
        }
    }
    return missing;
}
