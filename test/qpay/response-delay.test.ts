/** responseDelayMs (benchmarks): the Order endpoint answers late, correctly; Nonce is not delayed. */
import { request } from 'undici';
import { type Harness, startHarness } from './helpers';

let h: Harness;
afterEach(async () => {
  await h.close();
});

function createCardOrder(orderNo: string) {
  return h.client.orderCreate({ payType: 'C', orderNo, amount: 500, prdtName: '茶', autoBilling: true });
}

test('with responseDelayMs the Order endpoint answers after the delay, and the answer is still valid', async () => {
  h = await startHarness({ responseDelayMs: 300 });
  const t0 = performance.now();
  const created = await createCardOrder('C20250115101');
  const took = performance.now() - t0;
  expect(took).toBeGreaterThanOrEqual(290);
  expect(created).toMatchObject({ payType: 'C', orderNo: 'C20250115101' });
  expect(h.sim.order('C20250115101')?.state).toBe('pending');

  // Nonce alone is not delayed.
  const n0 = performance.now();
  const res = await request(`${h.sim.baseUrl}Nonce`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-KeyID': h.sim.credentials.keyId },
    body: JSON.stringify({ ShopNo: h.sim.credentials.shopNo }),
  });
  expect(res.statusCode).toBe(200);
  await res.body.dump();
  expect(performance.now() - n0).toBeLessThan(250);
});

test('without the option there is no added delay', async () => {
  h = await startHarness();
  await createCardOrder('C20250115102'); // warm up
  const t0 = performance.now();
  await createCardOrder('C20250115103');
  expect(performance.now() - t0).toBeLessThan(250);
});
