#pragma once
// Builds dev-agent requests in memory for handler-level unit tests.

#include <boost/beast/http/verb.hpp>
#include <map>
#include <string>

#include "tools/dev_agent/request.hpp"

namespace gatehouse::tools::testing {

inline Request make_request(boost::beast::http::verb verb, const std::string& target,
                            const std::map<std::string, std::string>& headers = {},
                            std::string body = {}) {
  Request::Message m{verb, target, 11};
  for (const auto& [k, v] : headers) m.set(k, v);
  m.body() = std::move(body);
  return *Request::from_message(std::move(m));
}

}  // namespace gatehouse::tools::testing
