import { buildMapForm, mapRedirectHtml, parseMapReply } from '../../src/ecpay';

const config = {
  baseUrl: 'https://logistics-stage.ecpay.com.tw/',
  merchantId: '2000933',
  hashKey: 'XBERn1YOvpM9nfZc',
  hashIv: 'h1ONHk4P4yqbl5LK',
};

describe('store map form', () => {
  it.each(['UNIMARTC2C', 'FAMIC2C', 'HILIFEC2C', 'OKMARTC2C', 'UNIMART', 'FAMI', 'HILIFE', 'UNIMARTFREEZE'] as const)(
    '%s: action /Express/map and exactly the documented fields',
    (subType) => {
      const form = buildMapForm(config, {
        subType,
        merchantTradeNo: 'MAP20250314A1',
        serverReplyUrl: 'https://shop.example.tw/ecpay/map-reply',
        extraData: 'ck-1',
      });
      expect(form.action).toBe('https://logistics-stage.ecpay.com.tw/Express/map');
      expect(form.fields).toEqual({
        MerchantID: '2000933',
        MerchantTradeNo: 'MAP20250314A1',
        LogisticsType: 'CVS',
        LogisticsSubType: subType,
        IsCollection: 'N',
        ServerReplyURL: 'https://shop.example.tw/ecpay/map-reply',
        ExtraData: 'ck-1',
        Device: '1',
      });
    },
  );

  it('leaves ExtraData out when not given and marks COD', () => {
    const form = buildMapForm(config, {
      subType: 'FAMIC2C',
      merchantTradeNo: 'A1',
      serverReplyUrl: 'https://shop.example.tw/r',
      isCollection: true,
      device: 0,
    });
    expect(form.fields.ExtraData).toBeUndefined();
    expect(form.fields.IsCollection).toBe('Y');
    expect(form.fields.Device).toBe('0');
  });

  it.each([
    ['a trade number with symbols', { merchantTradeNo: 'A-1' }],
    ['a trade number over 20', { merchantTradeNo: 'A'.repeat(21) }],
    ['ExtraData over 20', { extraData: 'x'.repeat(21) }],
    ['a non-http reply URL', { serverReplyUrl: 'javascript:alert(1)' }],
    ['an unknown subtype', { subType: 'TCAT' }],
  ])('refuses %s', (_label, change) => {
    const req = { subType: 'FAMIC2C', merchantTradeNo: 'A1', serverReplyUrl: 'https://s/r', ...change };
    expect(() => buildMapForm(config, req as Parameters<typeof buildMapForm>[1])).toThrow();
  });

  it('escapes every value in the auto-submitting page', () => {
    const html = mapRedirectHtml(config, {
      subType: 'FAMIC2C',
      merchantTradeNo: 'A1',
      serverReplyUrl: 'https://s/r?a="><script>x</script>',
      extraData: '"><b>&\'',
    });
    expect(html).not.toContain('<script>x');
    expect(html).not.toContain('"><b>');
    expect(html).toContain('value="&#34;&#62;&#60;b&#62;&#38;&#39;"');
    expect(html).toContain('action="https://logistics-stage.ecpay.com.tw/Express/map"');
    expect(html).toContain('.submit()');
  });
});

describe('map reply', () => {
  const valid = {
    MerchantID: '2000933',
    MerchantTradeNo: 'MAP20250314A1',
    LogisticsSubType: 'UNIMARTC2C',
    CVSStoreID: '131386',
    CVSStoreName: '建盛門市',
    CVSAddress: '台北市中正區重慶南路一段１２２號',
    CVSTelephone: '(02)2311-2345',
    CVSOutSide: '0',
    ExtraData: 'ck-1',
  };
  const expectation = { merchantId: '2000933', subType: 'UNIMARTC2C' as const };

  it('gives a typed store', () => {
    expect(parseMapReply(valid, expectation)).toEqual({
      ok: true,
      store: {
        subType: 'UNIMARTC2C',
        chain: 'UNIMART',
        storeId: '131386',
        storeName: '建盛門市',
        storeAddress: '台北市中正區重慶南路一段１２２號',
        storeTel: '(02)2311-2345',
        outlyingIsland: false,
        merchantId: '2000933',
        merchantTradeNo: 'MAP20250314A1',
        extraData: 'ck-1',
      },
    });
  });

  it('accepts an empty telephone and CVSOutSide (FamilyMart sample) and no ExtraData', () => {
    const { ExtraData: _e, ...rest } = valid;
    const result = parseMapReply(
      { ...rest, LogisticsSubType: 'FAMIC2C', CVSStoreID: '006598', CVSTelephone: '', CVSOutSide: '' },
      { merchantId: '2000933' },
    );
    expect(result.ok && result.store).toMatchObject({ chain: 'FAMI', extraData: '' });
    expect(result.ok && 'storeTel' in result.store).toBe(false);
    expect(result.ok && 'outlyingIsland' in result.store).toBe(false);
  });

  it.each([
    ['missing-field', { CVSStoreID: undefined }],
    ['missing-field', { CVSStoreName: ['a', 'b'] }],
    ['merchant', { MerchantID: '2000132' }],
    ['subtype', { LogisticsSubType: 'FAMIC2C' }],
    ['subtype', { LogisticsSubType: 'TCAT' }],
    ['trade-no', { MerchantTradeNo: '' }],
    ['trade-no', { MerchantTradeNo: 'A-1' }],
    ['store-id', { CVSStoreID: '1234567' }],
    ['store-id', { CVSStoreID: "13' OR 1" }],
    ['store-name', { CVSStoreName: '' }],
    ['store-name', { CVSStoreName: 'x'.repeat(21) }],
    ['store-name', { CVSStoreName: 'a\u0000b' }],
    ['store-address', { CVSAddress: ' ' }],
    ['store-address', { CVSAddress: '台'.repeat(61) }],
    ['store-tel', { CVSTelephone: '<script>' }],
    ['outside', { CVSOutSide: '2' }],
    ['extra-data', { ExtraData: 'x'.repeat(21) }],
  ])('refuses %s: %j', (problem, change) => {
    const result = parseMapReply({ ...valid, ...change }, expectation);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toBe(problem);
  });
});
