'use strict';
// @alicloud/openapi-core 1.0.8, the Darabonba generation of Alibaba Cloud's OpenAPI client
// (what @alicloud/live20161101 2.x and 3.x are built on), driven as such an SDK drives it
// (see openapi.js). Errors are ClientError/ThrottlingError/ServerError with `code` and
// `statusCode`.

const OpenApi = require('@alicloud/openapi-core');
const $dara = require('@darabonba/typescript');

const { defineOpenApiSuite } = require('./openapi');

const { OpenApiUtil, $OpenApiUtil } = OpenApi;

defineOpenApiSuite({
  Client: OpenApi.default,
  Config: $OpenApiUtil.Config,
  Params: $OpenApiUtil.Params,
  OpenApiRequest: $OpenApiUtil.OpenApiRequest,
  RuntimeOptions: $dara.RuntimeOptions,
  query: (query) => OpenApiUtil.query(query),
  arrayToString: (list, prefix, style) => OpenApiUtil.arrayToStringWithSpecifiedStyle(list, prefix, style),
  rpcSignature: (params, method, secret) => OpenApiUtil.getRPCSignature(params, method, secret),
  parseXml: (text) => $dara.XML.parseXml(text, null),
  errorOf: (error) => ({ code: error.code, status: error.statusCode }),
});
