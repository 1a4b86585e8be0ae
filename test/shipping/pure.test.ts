/** The pure pieces of shipping: goods names ECPay accepts, masks, tracking links. */
import { goodsNameProblem } from '../../src/ecpay';
import { maskName, maskPhone, trackingLink, trackingNoProblem } from '../../src/messages/carriers';
import { goodsNameFor } from '../../src/shop/store-shipment-service';

describe('shipping pure functions', () => {
  it('builds a GoodsName ECPay accepts from any item names', () => {
    expect(goodsNameFor([{ name: '凍頂烏龍茶 150g' }])).toBe('凍頂烏龍茶 150g');
    expect(goodsNameFor([{ name: '茶包 [試喝] #1 & 2' }, { name: 'x' }, { name: 'y' }])).toBe('茶包 試喝 1 2等3項');
    const long = goodsNameFor([{ name: '阿里山高山烏龍茶禮盒裝（四入）附提袋與手寫卡片一張' }, { name: 'x' }]);
    expect(goodsNameProblem(long)).toBeNull();
    expect(long.endsWith('等2項')).toBe(true);
    expect(goodsNameFor([{ name: '***' }])).toBe('商品');
    for (const name of ['"<script>"', '_|_', "it's"]) expect(goodsNameProblem(goodsNameFor([{ name }]))).toBeNull();
  });

  it('masks names and phones', () => {
    expect([maskName('王小明'), maskName('王明'), maskName('歐陽娜娜'), maskName('Alice')]).toEqual([
      '王*明',
      '王*',
      '歐**娜',
      'A***e',
    ]);
    expect([maskPhone('0912345678'), maskPhone(''), maskPhone('12345')]).toEqual(['0912-***-678', '', '***']);
  });

  it('links T-cat directly, the others to their lookup page, other carriers not at all', () => {
    expect(trackingLink('tcat', '903221488720')).toEqual({
      url: 'https://www.t-cat.com.tw/Inquire/TraceDetail.aspx?BillID=903221488720',
      direct: true,
    });
    expect(trackingLink('post', '12345678901234')?.direct).toBe(false);
    expect(trackingLink('other', '123')).toBeUndefined();
    expect([trackingNoProblem('6812-345678'), trackingNoProblem('ab'), trackingNoProblem('a b c d')]).toEqual([
      null,
      expect.any(String),
      expect.any(String),
    ]);
  });
});
