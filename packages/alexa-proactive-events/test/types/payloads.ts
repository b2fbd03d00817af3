/**
 * Compile-time tests, checked by `npm run typecheck` (never run): a payload is typed by its event's name in
 * `buildRequest`, the sender's `send` and `check`. Each `@ts-expect-error` fails the type check if its line compiles,
 * so a looser signature (a payload typed `unknown` for every event, say) shows here as an unused directive.
 */
import { ProactiveEventsSender, buildRequest, type ProactiveEvent } from '../../src';
import { eventFromInputs, parseRequest } from '../../src/internal';

declare const sender: ProactiveEventsSender;

// The payload's type follows the name: each field, each enumeration, what is optional.
const weather = buildRequest({ event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'TORNADO', source: 'Weather Knows' } } } });
const alertType: 'TORNADO' | 'HURRICANE' | 'SNOW_STORM' | 'THUNDER_STORM' = weather.event.payload.weatherAlert.alertType;
const source: string | undefined = weather.event.payload.weatherAlert.source;
void sender.send(weather, { region: 'EU' });
void sender.check(weather);
void sender.send(buildRequest({ event: { name: 'AMAZON.TrashCollectionAlert.Activated', payload: { alert: { garbageTypes: ['WASTE_PAPER'], collectionDayOfWeek: 'TUESDAY' } } }, user: 'amzn1.ask.account.X' }));

// @ts-expect-error a value outside the enumeration: there is HURRICANE, not HURRICANES
buildRequest({ event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'HURRICANES' } } } });
// @ts-expect-error a field the payload does not have (garbageType for garbageTypes)
buildRequest({ event: { name: 'AMAZON.TrashCollectionAlert.Activated', payload: { alert: { garbageType: ['WASTE_PAPER'], collectionDayOfWeek: 'TUESDAY' } } } });
// @ts-expect-error the payload of another event: an order status under a weather alert's name
buildRequest({ event: { name: 'AMAZON.WeatherAlert.Activated', payload: { state: { status: 'ORDER_SHIPPED' }, order: { seller: { name: 'Amazon' } } } } });
// @ts-expect-error a required field missing: a weather alert without its alertType
buildRequest({ event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { source: 'Weather Knows' } } } });
// @ts-expect-error a required field missing: an order status without its order
buildRequest({ event: { name: 'AMAZON.OrderStatus.Updated', payload: { state: { status: 'ORDER_SHIPPED' } } } });
// @ts-expect-error a value of the wrong type: a count is a number
buildRequest({ event: { name: 'AMAZON.MessageAlert.Activated', payload: { state: { status: 'UNREAD' }, messageGroup: { creator: { name: 'Jane' }, count: '3' } } } });
// @ts-expect-error an event that is not one of the eight
buildRequest({ event: { name: 'AMAZON.Weather.Changed', payload: { weatherAlert: { alertType: 'TORNADO' } } } });

// The same mistakes in a body handed to the sender, whether sent or only checked.
// @ts-expect-error a value outside the enumeration
void sender.send({ ...weather, event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'HURRICANES' } } } });
// @ts-expect-error the payload of another event
void sender.send({ ...weather, event: { name: 'AMAZON.OrderStatus.Updated', payload: weather.event.payload } });
// @ts-expect-error a field the payload does not have
void sender.check({ ...weather, event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'TORNADO', severity: 'HIGH' } } } });
// @ts-expect-error a body typed as something else than a request: typed, so it must be one
void sender.send({ referenceId: 'x' } as Record<string, unknown>);

// A typed event held in a variable, for one event or any of the eight, each name keeping its own payload.
const order: ProactiveEvent<'AMAZON.OrderStatus.Updated'> = { name: 'AMAZON.OrderStatus.Updated', payload: { state: { status: 'ORDER_SHIPPED' }, order: { seller: { name: 'Amazon' } } } };
const anyEvent: ProactiveEvent = Math.random() < 0.5 ? order : weather.event;
void sender.send(buildRequest({ event: order }));
void sender.send(buildRequest({ event: anyEvent }));
// @ts-expect-error ProactiveEvent pairs each name with its own payload
const mismatched: ProactiveEvent = { name: 'AMAZON.WeatherAlert.Activated', payload: order.payload };

// What the type checker cannot know is checked at run time, as before: a body read from a file, a validated
// request, an event built from CLI flags or carried by a trigger, whose payload is typed `unknown`.
void sender.send(JSON.parse('{"event":{"name":"AMAZON.WeatherAlert.Activated","payload":{}}}'));
const fromFile: unknown = JSON.parse('{}');
void sender.send(fromFile);
void sender.check(fromFile);
void sender.send(parseRequest(fromFile).request);
const flags = eventFromInputs('AMAZON.WeatherAlert.Activated', { 'alert-type': 'TORNADO' });
void sender.send(buildRequest({ ...flags, user: 'amzn1.ask.account.X' }));
const triggered: { name: string; payload: unknown } = { name: 'AMAZON.WeatherAlert.Activated', payload: JSON.parse('{}') as unknown };
void sender.check(buildRequest({ event: triggered }));

void [alertType, source, mismatched];
