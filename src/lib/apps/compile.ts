import type {CompiledApplication, CompileOptions} from '../sql/api.js'

/** Compiles application SQL, loading the engine only when an application actually runs. */
export async function compileSql(sql: string, options: CompileOptions): Promise<CompiledApplication> {
  const {compileApplication} = await import('../sql/index.js')
  return compileApplication(sql, options)
}
