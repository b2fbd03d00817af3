'use strict';
// A bare Jovo v3 app as Jovo's template writes its Lambda entry: the Alexa platform, users in DynamoDB through
// jovo-db-dynamodb, and a LaunchRequest that answers text. Configured by DYNAMODB_TABLE, DYNAMODB_ENDPOINT and
// AWS_REGION, as the skill is.
const { App, Lambda } = require('jovo-framework');
const { Alexa } = require('jovo-platform-alexa');
const { DynamoDb } = require('jovo-db-dynamodb');

const app = new App({ logging: false });
app.use(
  new Alexa(),
  new DynamoDb({ tableName: process.env.DYNAMODB_TABLE, createTableOnInit: false, awsConfig: { endpoint: process.env.DYNAMODB_ENDPOINT, region: process.env.AWS_REGION } }),
);
app.setHandler({
  LAUNCH() {
    this.tell('Hello');
  },
});

exports.handler = async (event, context, callback) => {
  await app.handle(new Lambda(event, context, callback));
};
