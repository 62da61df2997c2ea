/**
 * 我要举报 and 查举报进度: the existing report routes. The filing solves the API's proof of
 * work in a worker first (no third-party CAPTCHA), then shows the receipt code large: it is
 * shown only this once.
 */
import { REPORT_CATEGORIES, REPORT_CATEGORY_LABELS } from '@jiandu/domain/reports/categories';
import { ApiCallError, divisions, get, post } from '../api.js';
import { field, h, loadInto, message } from '../dom.js';
import type { PowTask } from '../pow.js';
import type { FilingReceipt, PowChallenge, ReceiptLookup, ReceiptView, ReportFiling } from '../types.js';

/** Solve the challenge in a worker; its module is only fetched when someone files. */
function solveInWorker(task: PowTask): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../pow-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<string>) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new ApiCallError(`安全验证没有完成（${event.message}），请再点一次“提交”。`, 0));
    };
    worker.postMessage(task);
  });
}

function receipt(r: FilingReceipt): HTMLElement {
  return h(
    'div',
    { class: 'receipt', role: 'status' },
    h('h2', { tabindex: -1 }, '举报已提交'),
    h('p', {}, '您的查询码：'),
    h('p', { class: 'code', 'data-testid': 'receipt-code' }, r.receiptCode),
    h('p', { class: 'notice' }, r.notice),
    h('p', {}, `受理单位：${r.officeLabel}`),
    h(
      'p',
      {},
      h('span', { class: 'nowrap' }, `${r.acknowledgeByDate} 前受理，`),
      h('span', { class: 'nowrap' }, `${r.concludeByDate} 前办结答复。`),
    ),
    h('a', { class: 'button', href: '#/receipt' }, '用查询码查进度'),
  );
}

function radios(name: string, options: readonly (readonly [string, string])[], checked: string): HTMLElement {
  return h(
    'div',
    { class: 'choices' },
    options.map(([value, label]) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name, value, checked: value === checked }),
        label,
      ),
    ),
  );
}

export function reportView(): HTMLElement {
  const township = h('select', { name: 'township' }, h('option', { value: '' }, '不清楚 / 不选'));
  const village = h('select', { name: 'village' }, h('option', { value: '' }, '不清楚 / 不选'));
  void divisions()
    .then((all) => {
      township.append(
        ...all
          .filter((d) => d.level === 'township')
          .map((d) => h('option', { value: d.name, 'data-code': d.code }, d.name)),
      );
      township.addEventListener('change', () => {
        const code = township.selectedOptions[0]?.dataset.code;
        village.replaceChildren(
          h('option', { value: '' }, '不清楚 / 不选'),
          ...all
            .filter((d) => d.level === 'village' && d.parentCode === code)
            .map((d) => h('option', { value: d.name }, d.name)),
        );
      });
    })
    .catch(() => undefined);
  const content = h('textarea', { name: 'content', rows: 6, maxlength: 5000, required: true });
  const name = h('input', { name: 'reporterName', autocomplete: 'name', maxlength: 32 });
  const phone = h('input', { name: 'phone', type: 'tel', autocomplete: 'tel', maxlength: 24 });
  const who = h(
    'fieldset',
    { class: 'reporter', hidden: true },
    h('legend', {}, '举报人（只有办案人员能看到）'),
    field('姓名', name),
    field('手机号', phone),
  );
  const anonymity = radios(
    'anonymous',
    [
      ['yes', '匿名举报'],
      ['no', '实名举报（便于回访）'],
    ],
    'yes',
  );
  anonymity.addEventListener('change', () => {
    who.hidden = checkedValue(anonymity) !== 'no';
  });
  const categories = radios(
    'category',
    REPORT_CATEGORIES.map((c) => [c, REPORT_CATEGORY_LABELS[c]] as const),
    'subsidy',
  );
  const submit = h('button', { type: 'submit', class: 'primary' }, '提交');
  const out = h('div', { 'aria-live': 'polite' });
  const heading = h('h1', { tabindex: -1 }, '我要举报');
  const section = h('section', {});

  async function file(): Promise<FilingReceipt> {
    const anonymous = checkedValue(anonymity) !== 'no';
    const challenge = await get<PowChallenge>('reports/challenge');
    const solution = await solveInWorker({
      challenge: challenge.challenge,
      difficulty: challenge.difficulty,
    });
    const filing: ReportFiling = {
      category: checkedValue(categories) as ReportFiling['category'],
      content: content.value,
      anonymous,
      ...(township.value ? { township: township.value } : {}),
      ...(village.value ? { village: village.value } : {}),
      ...(anonymous ? {} : { reporter: { name: name.value.trim(), phone: phone.value.trim() } }),
      proof: { challenge: challenge.challenge, solution },
    };
    return post<FilingReceipt>('reports', filing);
  }

  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        out.replaceChildren(message('正在进行安全验证，需要几秒钟，请稍候……'));
        try {
          const done = receipt(await file());
          section.replaceChildren(heading, done);
          done.querySelector<HTMLElement>('h2')?.focus();
        } catch (error) {
          out.replaceChildren(message(error instanceof Error ? error.message : String(error), 'error'));
          submit.disabled = false;
        }
      },
    },
    fieldsetOf('反映什么问题', categories),
    field('乡镇', township),
    field('村（社区）', village),
    field('具体情况', content, '写清楚什么人、什么事、什么时候。几个字也可以。'),
    fieldsetOf('是否留名', anonymity),
    who,
    submit,
    out,
  );
  section.replaceChildren(heading, form);
  return section;
}

function fieldsetOf(legend: string, body: HTMLElement): HTMLElement {
  return h('fieldset', {}, h('legend', {}, legend), body);
}

function checkedValue(group: HTMLElement): string | undefined {
  return group.querySelector<HTMLInputElement>('input:checked')?.value;
}

function progress(r: ReceiptView): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('h2', {}, `办理状态：${r.statusLabel}`),
    h('p', {}, `问题类别：${r.categoryLabel}`),
    h('p', {}, `受理单位：${r.officeLabel}`),
    r.answer
      ? h('div', {}, h('h3', {}, '答复'), h('p', { class: 'body' }, r.answer))
      : h('p', {}, '尚未答复，请过几天再来查。'),
  );
}

export function receiptLookupView(): HTMLElement {
  const code = h('input', {
    name: 'receiptCode',
    required: true,
    maxlength: 64,
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    class: 'code-input',
  });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        const body: ReceiptLookup = { receiptCode: code.value };
        // An unknown code's 404 carries the API's Chinese message, which loadInto shows.
        void loadInto(out, async () => progress(await post<ReceiptView>('reports/lookup', body)));
      },
    },
    field('查询码', code, '提交举报时显示的16位查询码'),
    h('button', { type: 'submit', class: 'primary' }, '查询'),
  );
  return h('section', {}, h('h1', { tabindex: -1 }, '查举报进度'), form, out);
}
