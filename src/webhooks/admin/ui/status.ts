// The page-wide live region: for what belongs to no one view (sign-in, navigation).
import { byId } from './dom.js';

export function say(text: string, tone: 'ok' | 'bad' | 'muted' = 'muted'): void {
  const box = byId('status');
  box.textContent = text;
  box.className = `status-line ${tone}`;
}

/** A live region inside a view, for the result of an action next to its button. */
export function report(box: HTMLElement, text: string, tone: 'ok' | 'bad' | 'muted' | 'warn'): void {
  box.textContent = text;
  box.className = `status-line ${tone}`;
}

let flashed = '';
/** A message for the next view to show (the form's "Saved" on the webhook it opens). */
export function flash(text: string): void {
  flashed = text;
}
export function takeFlash(): string {
  const text = flashed;
  flashed = '';
  return text;
}
