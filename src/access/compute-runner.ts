/**
 * Running a pre-authorised calculation through an executable Par.
 *
 * @module
 */
import type { Par } from '../par/par.js';
import type { CalculationTarget } from '../par/target.js';

/**
 * Starts and follows runs of the one calculation an executable Par authorises. Get one from
 * `par.execute(identity)`. No driver in this release runs calculations yet, so `execute`
 * currently fails with NotSupportedError; the class fixes the shape the compute service fills.
 */
export class ComputeRunner {
  /** The Par this runner uses. */
  readonly par: Par<CalculationTarget>;

  /** @internal Use `par.execute(identity)`. */
  constructor(par: Par<CalculationTarget>) {
    this.par = par;
  }
}
