import {
  createShipmentFields,
  EcpayRefusedError,
  EcpayValidationError,
  EcpayVerificationError,
  NOTIFICATION_ACK,
  parseCreateReply,
  parseQueryReply,
  parseRawPairs,
  parseStatusNotification,
  queryFields,
  STATUS_CODES,
  sign,
  statusMeaning,
  verifyCheckMacValue,
} from '../../src/ecpay';
import { loadEcpayVectors } from './vectors';

const C2C = { baseUrl: 'http://x', merchantId: '2000933', hashKey: 'XBERn1YOvpM9nfZc', hashIv: 'h1ONHk4P4yqbl5LK' };
const B2C = { baseUrl: 'http://x', merchantId: '2000132', hashKey: '5294y06JbISpM5x9', hashIv: 'v77hoKGq4kWxNNIS' };

describe('Create reply', () => {
  const withBody = loadEcpayVectors().filter((v) => v.serverBody);

  it.each(withBody.map((v) => [v.name, v] as const))('parses and verifies the real stage reply %s', (_n, v) => {
    const config = v.hashKey === C2C.hashKey ? C2C : B2C;
    const status = parseCreateReply(config, v.serverBody as string);
    expect(status).toMatchObject({
      allPayLogisticsId: v.params.AllPayLogisticsID,
      merchantTradeNo: v.params.MerchantTradeNo,
      rtnCode: '300',
      rtnMsg: '訂單處理中(已收到訂單資料)',
      meaning: 'created',
      cvsPaymentNo: v.params.CVSPaymentNo,
      goodsAmount: Number(v.params.GoodsAmount),
    });
    // Values are raw: the `@` of an e-mail and the Chinese name come through as sent.
    expect(status.fields.ReceiverName).toBe(v.params.ReceiverName);
  });

  it('keeps a literal + (never URL-decodes)', () => {
    expect(parseRawPairs('ReceiverEmail=a+b@x.tw&X=1=2')).toEqual({ ReceiverEmail: 'a+b@x.tw', X: '1=2' });
  });

  it('refuses a changed byte, another merchant and junk', () => {
    const v = withBody.find((x) => x.hashKey === C2C.hashKey);
    const body = v?.serverBody as string;
    expect(() => parseCreateReply(C2C, body.replace('GoodsAmount=468', 'GoodsAmount=469'))).toThrow(
      EcpayVerificationError,
    );
    expect(() => parseCreateReply({ ...C2C, merchantId: '2000934' }, body)).toThrow(/MerchantID/);
    expect(() => parseCreateReply(C2C, '<html>error</html>')).toThrow(EcpayVerificationError);
  });

  it('turns 0|message into a refusal with ECPay text and code', () => {
    try {
      parseCreateReply(C2C, '0|商品金額有誤(10500040)');
      throw new Error('no throw');
    } catch (err) {
      expect(err).toBeInstanceOf(EcpayRefusedError);
      expect((err as EcpayRefusedError).text).toBe('商品金額有誤(10500040)');
      expect((err as EcpayRefusedError).code).toBe('10500040');
      expect((err as EcpayRefusedError).retryable).toBe(false);
    }
  });
});

describe('Create request', () => {
  const base = {
    logisticsType: 'CVS' as const,
    subType: 'UNIMARTC2C' as const,
    merchantTradeNo: 'LS20250314000123',
    goodsAmount: 1280,
    goodsName: '手工 餅乾 禮盒',
    senderName: '王小明',
    senderCellPhone: '0987654321',
    receiverName: '陳美麗',
    receiverCellPhone: '0912345678',
    receiverEmail: 'buyer+tw@example.com',
    tradeDesc: 'LINE 商店訂單',
    remark: "Tom's gift ~ 請輕放 (易碎)",
    serverReplyUrl: 'https://shop.example.tw/ecpay/status',
    c2cReplyUrl: 'https://shop.example.tw/ecpay/c2c-store',
    receiverStoreId: '131386',
    tradeDate: Date.UTC(2025, 2, 14, 1, 26, 53),
  };

  it('builds the fields of the spec vector with its CheckMacValue', () => {
    const v = loadEcpayVectors().find((x) => x.name.startsWith('sdk-create-request-UNIMARTC2C')) as {
      params: Record<string, string>;
      checkMacValue: string;
    };
    expect(createShipmentFields(C2C, base)).toEqual({ ...v.params, CheckMacValue: v.checkMacValue });
  });

  it.each([
    ['GoodsAmount', { goodsAmount: 0 }],
    ['GoodsAmount', { goodsAmount: 20_000 }],
    ['GoodsAmount', { goodsAmount: 1.5 }],
    ['GoodsName', { goodsName: '' }],
    ['GoodsName', { goodsName: 'a_b' }],
    ['SenderName', { senderName: '王' }],
    ['SenderName', { senderName: 'Steve Jones' }],
    ['ReceiverName', { receiverName: '陳美麗陳美麗' }],
    ['ReceiverName', { receiverName: 'Mark2' }],
    ['ReceiverCellPhone', { receiverCellPhone: '0212345678' }],
    ['SenderCellPhone', { senderCellPhone: undefined }],
    ['ReceiverStoreID', { receiverStoreId: '1234567' }],
    ['LogisticsC2CReplyURL', { c2cReplyUrl: undefined }],
    ['MerchantTradeNo', { merchantTradeNo: 'LS-1' }],
  ])('refuses %s before sending: %j', (field, change) => {
    try {
      createShipmentFields(C2C, { ...base, ...change } as typeof base);
      throw new Error('no throw');
    } catch (err) {
      expect(err).toBeInstanceOf(EcpayValidationError);
      expect((err as EcpayValidationError).field).toBe(field);
    }
  });
});

describe('Create request for home delivery', () => {
  it('builds the HOME vector fields (plus IsCollection=N) and signs them', () => {
    const v = loadEcpayVectors().find((x) => x.name.startsWith('sdk-create-request-HOME')) as {
      params: Record<string, string>;
    };
    const fields = createShipmentFields(B2C, {
      logisticsType: 'HOME',
      subType: 'TCAT',
      merchantTradeNo: 'HM20250314000125',
      goodsAmount: 2500,
      goodsName: '保溫瓶 組',
      senderName: '林大華',
      senderCellPhone: '0911222333',
      senderZipCode: '11560',
      senderAddress: '台北市南港區三重路19-2號6樓',
      receiverName: '張小芳',
      receiverCellPhone: '0933222111',
      receiverZipCode: '220',
      receiverAddress: '新北市板橋區文化路一段１２２號（B1）',
      distance: '01',
      remark: "50% off + free~ship 'now' & more",
      serverReplyUrl: 'https://shop.example.tw/ecpay/status',
      tradeDate: Date.UTC(2025, 2, 14, 2, 0, 0),
    });
    const { CheckMacValue, ...rest } = fields;
    expect(rest).toEqual({ ...v.params, IsCollection: 'N' });
    expect(verifyCheckMacValue(fields, { hashKey: B2C.hashKey, hashIv: B2C.hashIv })).toBe(true);
    expect(CheckMacValue).toMatch(/^[0-9A-F]{32}$/);
  });

  it('needs a weight for POST and 3–5 digit zip codes', () => {
    const base = {
      logisticsType: 'HOME' as const,
      subType: 'POST' as const,
      merchantTradeNo: 'HM1',
      goodsAmount: 100,
      senderName: '林大華',
      senderCellPhone: '0911222333',
      senderZipCode: '115',
      senderAddress: '台北市南港區三重路19號',
      receiverName: '張小芳',
      receiverCellPhone: '0933222111',
      receiverZipCode: '220',
      receiverAddress: '新北市板橋區文化路一段122號',
      serverReplyUrl: 'https://shop.example.tw/ecpay/status',
    };
    expect(() => createShipmentFields(B2C, base)).toThrow(/GoodsWeight/);
    expect(createShipmentFields(B2C, { ...base, goodsWeight: 1.25 }).GoodsWeight).toBe('1.25');
    expect(() => createShipmentFields(B2C, { ...base, goodsWeight: 1, receiverZipCode: '22' })).toThrow(
      /ReceiverZipCode/,
    );
  });
});

describe('status notification', () => {
  const v = loadEcpayVectors().find((x) => x.name.startsWith('sdk-status-notify')) as {
    params: Record<string, string>;
    checkMacValue: string;
  };
  const body = { ...v.params, CheckMacValue: v.checkMacValue };

  it('verifies the vector and maps 3022 to picked_up', () => {
    const result = parseStatusNotification(C2C, body);
    expect(result.ok && result.status).toMatchObject({ rtnCode: '3022', meaning: 'picked_up', goodsAmount: 1280 });
    expect(NOTIFICATION_ACK).toBe('1|OK');
  });

  it.each([
    ['a changed status', { RtnCode: '3018' }],
    ['an extra field', { Injected: '' }],
    ['no CheckMacValue', { CheckMacValue: undefined }],
    ['a repeated field', { RtnCode: ['3022', '3018'] }],
  ])('refuses %s, never answering 1|OK', (_l, change) => {
    const forged = { ...body, ...change } as Record<string, unknown>;
    for (const k of Object.keys(forged)) if (forged[k] === undefined) delete forged[k];
    const result = parseStatusNotification(C2C, forged);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.answer).not.toBe('1|OK');
  });

  it('refuses a correctly signed notification for another merchant', () => {
    const other = sign({ ...v.params, MerchantID: '2000934' }, { hashKey: C2C.hashKey, hashIv: C2C.hashIv });
    expect(parseStatusNotification(C2C, other)).toMatchObject({ ok: false, reason: 'MerchantID is not ours' });
  });
});

describe('status codes', () => {
  it.each([
    ['300', 'created'],
    ['2068', 'sent'],
    ['2030', 'in_transit'],
    ['3024', 'in_transit'],
    ['2073', 'arrived_at_store'],
    ['3018', 'arrived_at_store'],
    ['2067', 'picked_up'],
    ['3022', 'picked_up'],
    ['2074', 'returning'],
    ['3019', 'returned_to_sender_store'],
    ['3023', 'returned'],
    ['7011', 'store_closed'],
    ['7013', 'drop_off_expired'],
    ['12345', 'unknown'],
    ['', 'unknown'],
  ])('%s → %s', (code, meaning) => expect(statusMeaning(code)).toBe(meaning));

  it('has no code twice with different meanings (one table)', () => {
    expect(Object.keys(STATUS_CODES).length).toBeGreaterThan(30);
  });
});

describe('QueryLogisticsTradeInfo', () => {
  it('signs the request with a Unix TimeStamp', () => {
    const fields = queryFields(C2C, { allPayLogisticsId: '2213021' }, 1_700_000_000_123);
    expect(fields.TimeStamp).toBe('1700000000');
    expect(verifyCheckMacValue(fields, { hashKey: C2C.hashKey, hashIv: C2C.hashIv })).toBe(true);
  });

  it('parses a signed reply and splits CVS_FAMIC2C', () => {
    const reply = sign(
      {
        MerchantID: '2000933',
        MerchantTradeNo: 'A1',
        AllPayLogisticsID: '2213021',
        GoodsAmount: '468',
        LogisticsType: 'CVS_FAMIC2C',
        LogisticsStatus: '3018',
        ShipmentNo: '',
        HandlingCharge: '60',
        TradeDate: '2023/06/26 14:20:54',
      },
      { hashKey: C2C.hashKey, hashIv: C2C.hashIv },
    );
    const text = Object.entries(reply)
      .map(([k, val]) => `${k}=${val}`)
      .join('&');
    expect(parseQueryReply(C2C, text)).toMatchObject({ subType: 'FAMIC2C', meaning: 'arrived_at_store' });
    expect(() => parseQueryReply(C2C, text.replace('3018', '3022'))).toThrow(EcpayVerificationError);
    expect(() => parseQueryReply(C2C, '0|查無資料')).toThrow(EcpayRefusedError);
  });
});
