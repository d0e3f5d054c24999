/** The connection commands' expected refusals, as the client errors they are (STYLE.md §6). */
import { ConnectionBusyError, ConnectionInputError, ConnectionNameTakenError } from '../../process';
import { BadUserInputError, ConflictError } from '../common/errors';

export async function asClientErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ConnectionInputError) throw new BadUserInputError(err.message, err.field);
    if (err instanceof ConnectionNameTakenError || err instanceof ConnectionBusyError) throw new ConflictError(err.message);
    throw err;
  }
}
