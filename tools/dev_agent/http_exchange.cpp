#include "tools/dev_agent/http_exchange.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast/http/error.hpp>
#include <exception>
#include <string>

namespace gatehouse::tools {

namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

// Go's serverHandler answers `OPTIONS *` itself (200, empty); ServeMux refuses `*` for any other
// method with 400, `Connection: close` and no body.
Response answer_asterisk(const Request& request) {
  if (request.method() == "OPTIONS") return Response::empty(200);
  return Response::empty(400);
}

net::awaitable<Response> run_handler(const RequestHandler& handle, const Request& request) {
  if (request.is_asterisk()) co_return answer_asterisk(request);
  std::string failure;
  try {
    co_return co_await handle(request);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  SPDLOG_WARN("event=handler_failed method={} error=\"{}\"", request.method(), failure);
  co_return Response::error(HttpError::internal("Internal error: " + failure));
}

HttpAnswer refused(ReadFailure failure) { return HttpAnswer{std::move(failure), {}}; }

}  // namespace

http::response<http::string_body> to_message(Response res, unsigned version, bool keep_alive) {
  http::response<http::string_body> msg{static_cast<http::status>(res.status), version};
  if (!res.content_type.empty()) msg.set(http::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) msg.set(name, value);
  msg.body() = std::move(res.body);
  msg.keep_alive(keep_alive);
  msg.prepare_payload();
  return msg;
}

net::awaitable<HttpAnswer> answer_request(const RequestHandler& handle, Request::Message message) {
  if (auto failure = check_parsed_request(message)) co_return refused(std::move(*failure));
  const unsigned version = message.version();
  bool keep_alive = message.keep_alive();
  auto request = Request::from_message(std::move(message));
  if (!request) co_return refused(ReadFailure{});  // Go's url.ParseRequestURI refused the target
  if (request->is_asterisk() && request->method() != "OPTIONS") keep_alive = false;
  Response res = co_await run_handler(handle, *request);
  auto response = to_message(std::move(res), version, keep_alive);
  // Go's server writes no body for HEAD but keeps the length the handler's body had
  // (net/http/server.go chunkWriter.writeHeader). Body bytes after a HEAD answer would be read
  // by a keep-alive client as the start of its next response.
  if (request->verb() == http::verb::head) response.body().clear();
  co_return HttpAnswer{std::nullopt, std::move(response)};
}

std::optional<HttpAnswer> answer_unreadable(const boost::system::error_code& ec,
                                            std::string_view pending) {
  if (ec == http::error::body_limit) {
    return HttpAnswer{std::nullopt,
                      to_message(Response::error({413, "Request body too large"}), 11, false)};
  }
  if (auto failure = read_failure(ec, pending)) return refused(std::move(*failure));
  return std::nullopt;
}

}  // namespace gatehouse::tools
