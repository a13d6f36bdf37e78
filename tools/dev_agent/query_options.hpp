#pragma once
// The query options every Consul read endpoint parses first (agent/http.go `parse`): the
// consistency mode (`?stale`, `?consistent`, `?cached`, `?max_stale`), the Cache-Control header
// and the blocking parameters, each refused with Consul's 400 text.
//
// Endpoints that call parse_query_options: GET /v1/connect/intentions, /match, /check, /exact,
// /v1/connect/intentions/<id> and GET /v1/config/... (the endpoints Consul runs through
// `s.parse`). Catalog, health, CA and agent-cache endpoints that Consul also parses this way
// should call it in place of parse_blocking_params.

#include <boost/system/result.hpp>

#include "tools/dev_agent/blocking.hpp"
#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/request.hpp"

namespace gatehouse::tools {

// 400 `Cannot specify ?stale with ?consistent, conflicting semantics.`, the same for ?cached,
// `Invalid max_stale value "x"`, `Invalid Cache-Control header.`, then parse_blocking_params.
boost::system::result<BlockingParams, HttpError> parse_query_options(const Request& request);

}  // namespace gatehouse::tools
