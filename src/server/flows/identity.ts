/**
 * The server's flow identity (collection `flow-identity`): an age identity made once and kept in
 * the records, whose recipient ingestion Pars are sealed to. Only the recipient is ever shown.
 *
 * @internal
 * @module
 */
import { generateIdentity, identityToRecipient } from '../../seal/keys.js';
import { StoreError } from '../storage/errors.js';
import type { RecordStore } from '../storage/records.js';

const COLLECTION = 'flow-identity';
const ID = 'current';

interface StoredIdentity {
  readonly v: 1;
  readonly identity: string;
  readonly recipient: string;
}

/**
 * The flow identity and its recipient, made at the first call.
 *
 * @param records - the server's records
 */
export async function flowIdentity(records: RecordStore): Promise<{ identity: string; recipient: string }> {
  const found = await records.get<StoredIdentity>(COLLECTION, ID);
  if (found !== undefined) return found.value;
  const identity = await generateIdentity();
  const made: StoredIdentity = { v: 1, identity, recipient: await identityToRecipient(identity) };
  try {
    await records.create(COLLECTION, ID, made);
    return made;
  } catch (error) {
    if (!(error instanceof StoreError && error.code === 'PRECONDITION_FAILED')) throw error;
    const winner = await records.get<StoredIdentity>(COLLECTION, ID);
    if (winner === undefined) throw error;
    return winner.value;
  }
}
