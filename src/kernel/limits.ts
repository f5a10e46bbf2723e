/**
 * Longer timers fire at once in Node (`setTimeout` takes a signed 32-bit
 * delay): a wait beyond it means never, and a duration option beyond it is refused.
 */
export const MAX_TIMER_MS = 2_147_483_647;
