/**
 * Every migration, in order. Listed explicitly (not read from the folder) so the same list works
 * under tsx, jest and a bundler. Add new files at the end; never edit one that has shipped.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation';
import * as m0002 from './0002_orders';
import * as m0003 from './0003_cart_lookup';
import * as m0004 from './0004_card_capture';
import * as m0005 from './0005_event_reason_outbox_doubt';
import * as m0006 from './0006_notification_sources';
import * as m0007 from './0007_health_probe';
import * as m0008 from './0008_delivery_fulfilment';
import * as m0010 from './0010_delivery_checkout';
import * as m0020 from './0020_shipments';
import * as m0030 from './0030_push_quota';
import * as m0040 from './0040_merchant_console';
import * as m0041 from './0041_merchant_alerts';
import * as m0050 from './0050_catalog_search';
import * as m0051 from './0051_conversation_people';

export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_orders': m0002,
  '0003_cart_lookup': m0003,
  '0004_card_capture': m0004,
  '0005_event_reason_outbox_doubt': m0005,
  '0006_notification_sources': m0006,
  '0007_health_probe': m0007,
  '0008_delivery_fulfilment': m0008,
  '0010_delivery_checkout': m0010,
  '0020_shipments': m0020,
  '0030_push_quota': m0030,
  '0040_merchant_console': m0040,
  '0041_merchant_alerts': m0041,
  '0050_catalog_search': m0050,
  '0051_conversation_people': m0051,
};
