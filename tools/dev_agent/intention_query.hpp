#pragma once
// Query parameters shared by the intention endpoints: a required parameter (Consul answers a
// plain 500 `required query parameter 'x' not set`) and a service named by it.

#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "consul/intention_match.hpp"
#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/request.hpp"

namespace gatehouse::tools {

boost::system::result<std::string, HttpError> required_query(const Request& request,
                                                             std::string_view key);

// `name`, `ns/name` (and Enterprise `partition/ns/name`) into a service reference; the namespace
// defaults to `default`.
boost::system::result<consul::ServiceRef, HttpError> service_ref(std::string_view text);

}  // namespace gatehouse::tools
