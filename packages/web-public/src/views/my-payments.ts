/** 个人查询: name + ID number → the person's own and household's payments (POST, never in a URL). */
import { post } from '../api.js';
import { field, h, loadInto, message, money } from '../dom.js';
import type { MyPayment, Page, PersonalLookup } from '../types.js';

const RELATION: Record<MyPayment['relation'], string> = { self: '本人', household: '家庭成员' };

function results(items: readonly MyPayment[]): Node {
  if (items.length === 0)
    return message(
      '没有查到发放记录。请核对姓名和身份证号是否与户口本一致；如认为应当领取却没有领到，可以点“我要举报”反映。',
    );
  const total = h('p', { class: 'summary' }, `共查到 ${items.length} 笔发放记录。`);
  const list = h(
    'ul',
    { class: 'cards' },
    items.map((p) =>
      h(
        'li',
        { class: 'card' },
        h('p', { class: 'amount' }, money(p.amount)),
        h('p', {}, h('strong', {}, p.programName)),
        h('p', {}, `发放日期：${p.payDate}`),
        h('p', {}, `领取人：${p.name}（${RELATION[p.relation] ?? p.relation}）`),
        h('p', {}, `${p.township} ${p.village}`),
      ),
    ),
  );
  return h('div', {}, total, list);
}

export function myPaymentsView(): HTMLElement {
  const name = h('input', { name: 'name', autocomplete: 'name', required: true, maxlength: 32 });
  const idNumber = h('input', {
    name: 'idNumber',
    required: true,
    maxlength: 18,
    autocomplete: 'off',
    inputmode: 'text',
    spellcheck: 'false',
  });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        const body: PersonalLookup = { name: name.value.trim(), idNumber: idNumber.value.trim() };
        void loadInto(out, async () => results((await post<Page<MyPayment>>('lookup', body)).items));
      },
    },
    field('姓名', name),
    field('身份证号', idNumber, '18位，最后一位可能是X。只用于这次查询，不会被保存。'),
    h('button', { type: 'submit', class: 'primary' }, '查询'),
  );
  return h('section', {}, h('h1', { tabindex: -1 }, '查我的补贴'), form, out);
}
