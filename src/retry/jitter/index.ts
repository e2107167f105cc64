export { decorrelatedJitter } from './decorrelated.js';
export { equalJitter } from './equal.js';
export { fullJitter } from './full.js';
export { noJitter } from './none.js';
export { proportionalJitter } from './proportional.js';
export { cappedExponential, type JitterParams, type JitterStrategy } from './strategy.js';
