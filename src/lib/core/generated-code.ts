/**
 * What an expression written as code needs besides itself: local variables for the values it
 * tests before using (`(v0 = ..., v0 === null ? null : ...)`), and generated names for the values
 * it refers to. `declarations()` gives the lines that declare the locals, for the function's top.
 */
export interface CodeGen {
  /** A fresh local variable. */
  temp(): string
  /** A generated name bound to `value` (a closure, a string, a table). */
  bind(value: unknown): string
  declarations(): string[]
}

/** A CodeGen whose names are added to `bindings` (those of the generated function to be). */
export function codeGen(bindings: Record<string, unknown>): CodeGen {
  let temps = 0
  let bound = 0
  return {
    temp: () => `v${temps++}`,
    bind(value) {
      const name = `b${bound++}`
      bindings[name] = value
      return name
    },
    declarations: () => (temps === 0 ? [] : [`let ${Array.from({length: temps}, (_, i) => `v${i}`).join(', ')}`]),
  }
}

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
