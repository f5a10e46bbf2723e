import { describe, expect, it, vi } from 'vitest';
import { type ProvisioningEventInfo, ProvisioningEvents } from '../../../src/records/events.js';

const event: ProvisioningEventInfo = { type: 'ready', at: 1, userId: 'u1', instanceId: 'i-1' };

describe('ProvisioningEvents', () => {
  it('delivers each event to every listener, in subscription order', () => {
    const events = new ProvisioningEvents();
    const seen: string[] = [];
    events.subscribe((e) => seen.push(`a:${e.type}`));
    events.subscribe((e) => seen.push(`b:${e.type}`));
    events.emit(event);
    events.emit({ type: 'failed', at: 2, reason: 'deadline-exceeded', retryable: true });
    expect(seen).toEqual(['a:ready', 'b:ready', 'a:failed', 'b:failed']);
  });

  it('passes the event as emitted', () => {
    const events = new ProvisioningEvents();
    const listener = vi.fn();
    events.subscribe(listener);
    events.emit(event);
    expect(listener).toHaveBeenCalledWith(event);
  });

  it('keeps delivering to the other listeners when one throws, and does not throw itself', () => {
    const events = new ProvisioningEvents();
    const before = vi.fn();
    const after = vi.fn();
    events.subscribe(before);
    events.subscribe(() => {
      throw new Error('listener bug');
    });
    events.subscribe(after);
    expect(() => events.emit(event)).not.toThrow();
    expect(before).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(1);
    events.emit(event);
    expect(after).toHaveBeenCalledTimes(2);
  });

  it('stops delivering to a listener once it unsubscribes', () => {
    const events = new ProvisioningEvents();
    const gone = vi.fn();
    const stays = vi.fn();
    const unsubscribe = events.subscribe(gone);
    events.subscribe(stays);
    events.emit(event);
    unsubscribe();
    events.emit(event);
    expect(gone).toHaveBeenCalledTimes(1);
    expect(stays).toHaveBeenCalledTimes(2);
  });

  it('emits to nobody without failing', () => {
    expect(() => new ProvisioningEvents().emit(event)).not.toThrow();
  });
});
