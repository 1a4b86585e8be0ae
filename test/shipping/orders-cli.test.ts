/**
 * The merchant's shipping commands as a merchant runs them (`npm run orders -- …`, its own process
 * on the shop's database): list --to-ship, ship with carrier and tracking, show (recipient masked),
 * packing-slip (full recipient, items, order number), ready / picked-up, and refusals with reasons.
 * SQLite only: the commands are the same code on both databases, which the service tests cover.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useServiceShop } from '../support/service-harness';
import { HOME, PICKUP } from './helpers';

const run = async (env: NodeJS.ProcessEnv, ...args: string[]) => {
  try {
    const r = await promisify(execFile)('npx', ['tsx', 'src/cli/orders.ts', ...args], {
      cwd: join(__dirname, '..', '..'),
      env,
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
};

describe('orders CLI: shipping', () => {
  const shop = useServiceShop('sqlite');

  it('lists, ships, shows, prints packing slips, completes self-pickup', async () => {
    const env = { ...process.env, DATABASE_URL: shop.database.url, LOG_LEVEL: 'silent' };
    const home = await shop.newPaidOrder({ stock: 5, quantity: 2, price: 450, delivery: HOME });
    const pickup = await shop.newPaidOrder({ stock: 5, quantity: 1, delivery: PICKUP });
    const no = home.order.order_no;

    const toShip = await run(env, 'list', '--to-ship');
    expect(toShip.out).toContain(no);
    expect(toShip.out).toContain('待出貨');

    const dir = mkdtempSync(join(tmpdir(), 'slip-'));
    const slip = await run(env, 'packing-slip', no, pickup.order.order_no, '--out', join(dir, 'slip.html'));
    expect(slip.code).toBe(0);
    const html = readFileSync(join(dir, 'slip.html'), 'utf8');
    for (const s of [no, pickup.order.order_no, '陳美麗', '0912345678', '青松路一段12號3樓', '測試商品', '門市自取']) {
      expect(html).toContain(s);
    }

    const bad = await run(env, 'ship', no, '--carrier', 'dhl', '--tracking', '123456');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('貨運公司須為');
    const shipped = await run(env, 'ship', no, '--carrier', 'tcat', '--tracking', '903221488720');
    expect([shipped.code, shipped.out]).toEqual([0, expect.stringContaining('已出貨')]);
    expect((await run(env, 'list', '--to-ship')).out).not.toContain(no);
    expect((await run(env, 'list', '--shipped')).out).toContain(no);

    const show = await run(env, 'show', no);
    // The merchant's desk shows the recipient in full: it is who the parcel is addressed to.
    expect(show.out).toContain('recipient 陳美麗  0912345678');
    expect(show.out).toContain('goods shipped (已出貨)');
    expect(show.out).toContain('carrier tcat tracking 903221488720');
    expect(show.out).toMatch(/shipped {2}by merchant:cli {2}tcat 903221488720/);

    expect((await run(env, 'ready', pickup.order.order_no)).code).toBe(0);
    expect((await run(env, 'picked-up', pickup.order.order_no)).out).toContain('已完成');
    expect(await shop.noticeKinds(pickup.user)).toEqual(['pay_link', 'receipt', 'pickup_ready', 'completed']);
  }, 60_000);
});
