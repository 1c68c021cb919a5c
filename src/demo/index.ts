export * from './orders-service.js';
export * from './start-demo-services.js';
export { deliveryDate, orderDeliveryDate, readSeedOrders, type DemoOrder } from './seed-orders.js';
