import { cellPhoneProblem, goodsNameProblem, nameProblem, normalizeCellPhone, phoneProblem } from '../../src/ecpay';

describe('ECPay name rules', () => {
  it.each([
    ['王明', null],
    ['陳美麗', null],
    ['歐陽美麗華', null],
    ['Mark', null],
    ['MarkHarris', null],
    ['王', '收件人姓名太短：中文至少 2 個字，英文至少 4 個字母'],
    ['Amy', '收件人姓名太短：中文至少 2 個字，英文至少 4 個字母'],
    ['歐陽美麗華子', '收件人姓名太長：中文最多 5 個字，英文最多 10 個字母'],
    ['MarkHarrison', '收件人姓名太長：中文最多 5 個字，英文最多 10 個字母'],
    ['王小明2', '收件人姓名不可包含數字'],
    ['王 小明', '收件人姓名不可包含空白'],
    ['Mark_H', '收件人姓名不可包含符號'],
    ['王．小明', '收件人姓名不可包含符號'],
    ['', '請填寫收件人姓名'],
  ])('receiver %j → %s', (name, reason) => expect(nameProblem(name, 'receiver')).toBe(reason));

  it('names the sender in its reasons', () => {
    expect(nameProblem('王', 'sender')).toMatch(/^寄件人姓名/);
  });
});

describe('phones', () => {
  it.each([
    ['0912345678', '0912345678'],
    ['0912-345-678', '0912345678'],
    ['0912 345 678', '0912345678'],
    ['+886912345678', '0912345678'],
    ['+886 912-345-678', '0912345678'],
    ['886912345678', '0912345678'],
    ['0212345678', null],
    ['091234567', null],
    ['09123456789', null],
  ])('normalizes %j → %j', (input, out) => expect(normalizeCellPhone(input)).toBe(out));

  it('checks cell phones and fixed lines by ECPay patterns', () => {
    expect(cellPhoneProblem('0912345678')).toBeNull();
    expect(cellPhoneProblem('0912-345-678')).toMatch(/09 開頭/);
    expect(phoneProblem('(02)2345-6789#123')).toBeNull();
    expect(phoneProblem('02-23456789')).toBeNull();
    expect(phoneProblem('abc')).toMatch(/電話格式/);
  });
});

describe('goods name', () => {
  it('counts CJK as 2 and refuses ECPay symbols', () => {
    expect(goodsNameProblem('手工 餅乾 禮盒')).toBeNull();
    expect(goodsNameProblem('茶'.repeat(25))).toBeNull();
    expect(goodsNameProblem('茶'.repeat(26))).toMatch(/太長/);
    expect(goodsNameProblem('A&B')).toMatch(/符號/);
  });
});
