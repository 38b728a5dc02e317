/**
 * `function name(params) { lines }`, compiled as its own function so that each call in it has
 * one target the JIT can inline (a loop shared by many callers sees them all). The lines may use
 * only names the caller generated: the closures, objects and texts they need (names from SQL
 * included) come in as `bindings`, never as code.
 */
export function generatedFunction<F>(name: string, params: readonly string[], bindings: Readonly<Record<string, unknown>>, lines: readonly string[]): F {
  const names = Object.keys(bindings)
  const code = `return function ${name}(${params.join(', ')}) {\n  ${lines.join('\n  ')}\n}`
  return new Function(...names, code)(...names.map((n) => bindings[n])) as F
}
