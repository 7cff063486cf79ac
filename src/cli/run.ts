/** The `guests` command's entry: runs it with the process's arguments and sets the exit code. */
import { main } from './main.js';

const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
