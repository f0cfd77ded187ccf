// `kaal-compose schema`: prints the JSON Schema (draft 2020-12) of system descriptors, generated from
// the zod schema, for JSON descriptors' `$schema` and editor completion.
import * as path from 'node:path';
import type { CommandFactory } from '../context.js';
import { ExitCode } from '../exitCodes.js';
import { D, fail } from '../../schema/diagnostics.js';

interface SchemaArgs {
  output?: string;
}

const schemaCommand: CommandFactory = (context) => ({
  command: 'schema',
  describe: 'print the JSON Schema of system descriptors',
  builder: (yargs) => yargs.option('output', { alias: 'o', type: 'string', describe: 'write it to this file instead' }),
  handler: async (argv: SchemaArgs) => {
    const { descriptorJsonSchemaText } = await import('../../schema/descriptorJsonSchema.js');
    const text = descriptorJsonSchemaText();
    if (argv.output === undefined) {
      context.io.stdout.write(text);
    } else {
      const { writeFileAtomic, describeWriteError } = await import('../../compiler/host.js');
      const file = path.resolve(context.io.cwd, argv.output);
      try {
        writeFileAtomic(file, text);
      } catch (error) {
        throw fail(D.cannotWriteOutput, { file: argv.output, reason: describeWriteError(error) }, { file: argv.output });
      }
    }
    context.exitCode = ExitCode.ok;
  },
});

export default schemaCommand;
