// The --radio NAME flag of `qres sim` and `qres node`: a named radio profile of the energy model (src/core/energy/).
// Its own small module so the node's lean entry (src/node/entry.ts) does not load the simulator to parse it.
import { EnergyInputError } from '../core/energy/airtime';
import { RADIO_NAMES, radioProfile, type RadioProfile } from '../core/energy/profiles';
import { UsageError, type Values } from './command';

/** The --radio profile, or undefined without the flag; a bad name is a usage error that lists the valid ones. */
export function radioOf(values: Values): RadioProfile | undefined {
  const name = values.radio;
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || name === '') throw new UsageError(`--radio needs a name: ${RADIO_NAMES.join(', ')}`);
  try {
    return radioProfile(name);
  } catch (err) {
    if (err instanceof EnergyInputError) throw new UsageError(`--radio: ${err.message}`);
    throw err;
  }
}
