/** Small DOM helpers: the dashboard builds its pages with plain DOM calls (see README: why no framework). */

/** What `h` accepts as children. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Create an element: `on*` attributes become listeners, `false`/`null` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's content. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A table with a caption (screen readers announce it) and header cells with scope. */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
  empty = '暂无数据',
): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      null,
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.length === 0
          ? h('tr', null, h('td', { colspan: headers.length }, empty))
          : rows.map((cells) =>
              h(
                'tr',
                null,
                cells.map((c) => h('td', null, c)),
              ),
            ),
      ),
    ),
  );
}

let fieldIds = 0;

/** A labelled form control. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  fieldIds += 1;
  const id = control.id || `f${fieldIds}`;
  control.id = id;
  const hintEl = hint ? h('small', { id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/** A `<select>` of value/label pairs. */
export function select(
  name: string,
  options: readonly (readonly [string, string])[],
  value = '',
): HTMLSelectElement {
  return h(
    'select',
    { name },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );
}

const MONEY = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' });

/** 元 as the API sends it (a number with at most two decimals) → `¥2,250.00`. */
export function money(yuan: number | null | undefined): string {
  return yuan === null || yuan === undefined ? '—' : MONEY.format(yuan);
}

/** An ISO instant in China time, to the minute. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }).slice(0, -3);
}

/** A live status line: polite for results, assertive for errors. */
export function notice(text: string, kind: 'ok' | 'error' = 'ok'): HTMLElement {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** The page's heading (focused after navigation) and the window title. */
export function heading(text: string): HTMLElement {
  document.title = `${text} · 监督工作台`;
  return h('h1', { tabindex: -1 }, text);
}

/** A section with its own heading (a landmark screen readers list). */
export function section(title: string, ...children: Child[]): HTMLElement {
  fieldIds += 1;
  const id = `s${fieldIds}`;
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), children);
}

/** A section whose content is one table captioned like the section. */
export function tableSection(
  title: string,
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
  empty?: string,
): HTMLElement {
  return section(title, table(title, headers, rows, empty));
}

/** A form for one action: its heading, controls and submit button; `submit` gets the values. */
export function actionForm(
  title: string,
  button: string,
  controls: Child[],
  submit: (data: FormData) => unknown,
): HTMLFormElement {
  const form = h(
    'form',
    { class: 'action', 'aria-label': title },
    h('h3', null, title),
    controls,
    h('button', { type: 'submit', class: 'primary' }, button),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit(new FormData(form));
  });
  return form;
}
