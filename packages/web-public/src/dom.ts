/**
 * A tiny element builder instead of a framework: text always goes in as text (never HTML),
 * so nothing the API returns can inject markup.
 */
type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** Create `<tag>` with attributes (`on…` are listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Child | readonly Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
  return element;
}

const yuan = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount in 元 as the API sends it, for reading: `1,234.50 元`. */
export function money(amount: number): string {
  return `${yuan.format(amount)} 元`;
}

/** A message box: `role=alert` for errors so screen readers announce it. */
export function message(text: string, kind: 'error' | 'info' = 'info'): HTMLElement {
  return h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A labelled field (label above the control, one tap target). */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control,
  );
}

/** Replace the content of `target` with a loading line while `load` runs, then its result. */
export async function loadInto(target: HTMLElement, load: () => Promise<Node>): Promise<void> {
  target.replaceChildren(message('正在加载……'));
  target.setAttribute('aria-busy', 'true');
  try {
    target.replaceChildren(await load());
  } catch (error) {
    target.replaceChildren(message(error instanceof Error ? error.message : String(error), 'error'));
  } finally {
    target.removeAttribute('aria-busy');
  }
}
