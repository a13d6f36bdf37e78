#pragma once
// What the dev agent's server sends for one request, without a socket: the HTTP server writes
// it, and in-memory drivers (the fuzz target) check it. Either Go's fixed refusal of a request it
// cannot take (written as is, then the connection is drained and closed: read_failure.hpp) or a
// complete response message whose keep_alive() says whether the connection stays open.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <optional>
#include <string_view>

#include "tools/dev_agent/read_failure.hpp"
#include "tools/dev_agent/request.hpp"
#include "tools/dev_agent/response.hpp"

namespace gatehouse::tools {

// The agent's entry point (DevAgent::handle): every request that was read and accepted.
using RequestHandler = std::function<boost::asio::awaitable<Response>(const Request&)>;

struct HttpAnswer {
  std::optional<ReadFailure> refusal;
  boost::beast::http::response<boost::beast::http::string_body> response;  // without a refusal
};

// The handler's response as a message for an HTTP/1.`version` request (payload prepared).
boost::beast::http::response<boost::beast::http::string_body> to_message(Response response,
                                                                         unsigned version,
                                                                         bool keep_alive);

// The answer to a request that was read: Go's Host and Transfer-Encoding checks, the target
// parse, `*`, then the handler (one that throws still answers: a 500 with the reason).
boost::asio::awaitable<HttpAnswer> answer_request(const RequestHandler& handle,
                                                  Request::Message message);

// The answer to a read that failed with `ec`, `pending` being the unconsumed bytes: 413 for a
// body over the limit, Go's refusal for what it cannot parse, nullopt when Go writes nothing
// (the peer went away, timed out, or the server is stopping).
std::optional<HttpAnswer> answer_unreadable(const boost::system::error_code& ec,
                                            std::string_view pending);

}  // namespace gatehouse::tools
