import { z } from 'zod';
import { dateTime, defineEvent, localizableText, readableDate, strictObject } from './common';

export const ORDER_STATUSES = [
  'PREORDER_RECEIVED',
  'ORDER_RECEIVED',
  'ORDER_PREPARING',
  'ORDER_SHIPPED',
  'ORDER_OUT_FOR_DELIVERY',
  'ORDER_DELIVERED',
] as const;

const payload = () =>
  strictObject({
  state: strictObject({
    status: z.enum(ORDER_STATUSES),
    /** When the order entered this state. The table spells it enterTimeStamp; Amazon's SDK model enterTimestamp. */
    enterTimestamp: dateTime.optional(),
    deliveryDetails: strictObject({ expectedArrival: dateTime.optional() }).optional(),
    /** Not in the schema table, but in Amazon's own ORDER_DELIVERED example, which the service accepts. */
    deliveredOn: dateTime.optional(),
  }),
  order: strictObject({ seller: strictObject({ name: localizableText }) }),
});
type Order = z.output<ReturnType<typeof payload>>;

const TEXTS: Record<'en' | 'de', (order: Order, seller: string, date: (iso: string) => string) => string> = {
  en: ({ state }, seller, date) => {
    const arrival = state.deliveryDetails?.expectedArrival;
    const by = arrival ? ` and will arrive by ${date(arrival)}` : '';
    switch (state.status) {
      case 'PREORDER_RECEIVED': return `Your preorder from ${seller} has been received.`;
      case 'ORDER_RECEIVED': return `Your order from ${seller} has been received.`;
      case 'ORDER_PREPARING': return `Your order from ${seller} is being prepared.`;
      case 'ORDER_SHIPPED': return `Your order from ${seller} has been shipped${by}.`;
      case 'ORDER_OUT_FOR_DELIVERY': return `Your order from ${seller} is out for delivery${by}.`;
      case 'ORDER_DELIVERED':
        return state.deliveredOn
          ? `Your order from ${seller} was delivered on ${date(state.deliveredOn)}.`
          : `Your order from ${seller} has been delivered.`;
    }
  },
  de: ({ state }, seller, date) => {
    const arrival = state.deliveryDetails?.expectedArrival;
    const by = arrival ? ` und kommt bis zum ${date(arrival)} an` : '';
    switch (state.status) {
      case 'PREORDER_RECEIVED': return `Deine Vorbestellung bei ${seller} ist eingegangen.`;
      case 'ORDER_RECEIVED': return `Deine Bestellung bei ${seller} ist eingegangen.`;
      case 'ORDER_PREPARING': return `Deine Bestellung bei ${seller} wird vorbereitet.`;
      case 'ORDER_SHIPPED': return `Deine Bestellung bei ${seller} wurde versandt${by}.`;
      case 'ORDER_OUT_FOR_DELIVERY': return `Deine Bestellung bei ${seller} ist in der Zustellung${by}.`;
      case 'ORDER_DELIVERED':
        return state.deliveredOn
          ? `Deine Bestellung bei ${seller} wurde am ${date(state.deliveredOn)} zugestellt.`
          : `Deine Bestellung bei ${seller} wurde zugestellt.`;
    }
  },
};

/**
 * "Your order from Amazon has been shipped and will arrive by November 23, 2018." One sentence per status.
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html#order-status
 */
export const OrderStatusUpdated = defineEvent({
  name: 'AMAZON.OrderStatus.Updated',
  command: 'order',
  example: { status: 'ORDER_SHIPPED', seller: 'Amazon', 'expected-arrival': '2026-12-01T12:00:00Z' },
  payload,
  inputs: [
    { flag: 'status', path: ['state', 'status'], kind: 'enum', values: ORDER_STATUSES, description: "the order's new state" },
    { flag: 'seller', path: ['order', 'seller', 'name'], kind: 'text', localizedKey: 'sellerName', description: 'the seller, e.g. "Amazon"' },
    {
      flag: 'expected-arrival',
      path: ['state', 'deliveryDetails', 'expectedArrival'],
      kind: 'date-time',
      description: 'when it arrives (shipped, out for delivery)',
    },
    { flag: 'delivered-on', path: ['state', 'deliveredOn'], kind: 'date-time', description: 'when it was delivered' },
    { flag: 'enter-timestamp', path: ['state', 'enterTimestamp'], kind: 'date-time', description: 'when the order entered this state' },
  ],
  text: {
    en: (order, locale) => TEXTS.en(order, order.order.seller.name, (iso) => readableDate(iso, locale)),
    de: (order, locale) => TEXTS.de(order, order.order.seller.name, (iso) => readableDate(iso, locale)),
  },
});

/** The payload of an AMAZON.OrderStatus.Updated event, as the schema above checks it. */
export type OrderStatusUpdatedPayload = z.output<(typeof OrderStatusUpdated)['payload']>;
