'use strict';
// @alicloud/openapi-client 0.4.15, the Tea generation of Alibaba Cloud's OpenAPI client,
// driven as a generated TypeScript SDK of that generation drives it (see openapi.js).
// Errors are Tea errors: `code`, and the HTTP status in `data.statusCode`.

const OpenApi = require('@alicloud/openapi-client');
const OpenApiUtil = require('@alicloud/openapi-util').default;
const $Util = require('@alicloud/tea-util');
const XML = require('@alicloud/tea-xml').default;

const { defineOpenApiSuite } = require('./openapi');

defineOpenApiSuite({
  Client: OpenApi.default,
  Config: OpenApi.Config,
  Params: OpenApi.Params,
  OpenApiRequest: OpenApi.OpenApiRequest,
  RuntimeOptions: $Util.RuntimeOptions,
  query: (query) => OpenApiUtil.query(query),
  arrayToString: (list, prefix, style) => OpenApiUtil.arrayToStringWithSpecifiedStyle(list, prefix, style),
  rpcSignature: (params, method, secret) => OpenApiUtil.getRPCSignature(params, method, secret),
  parseXml: (text) => XML.parseXml(text, null),
  errorOf: (error) => ({ code: error.code, status: error.data && error.data.statusCode }),
});
