/** Client-side routes under `/staff/` (the server answers every such path with index.html). */

const BASE = import.meta.env.BASE_URL;

/** What a page gets: its path parameters, the query (saved filters live there) and where to draw. */
export interface PageContext {
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly main: HTMLElement;
}

let render: () => void = () => {};

/** Register the function that draws the current URL. */
export function onNavigate(handler: () => void): void {
  render = handler;
  window.addEventListener('popstate', () => render());
  // Links inside the app move without reloading (the token lives in memory only).
  document.addEventListener('click', (event) => {
    const a = (event.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download') || event.ctrlKey || event.metaKey || event.shiftKey)
      return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

/** Show another page (`replace` for filter changes that shouldn't pile up in history). */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  render();
}

/** The path below `/staff/`, e.g. `leads/abc`. */
export function appPath(): string {
  return location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length).replace(/\/$/, '') : '';
}

/** A link target inside the app. */
export const href = (path: string) => `${BASE}${path}`;
