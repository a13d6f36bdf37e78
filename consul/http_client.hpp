#pragma once
// Asynchronous HTTP to the Consul agent: libcurl's multi-socket interface driven by an Asio
// io_context (no blocking calls on the loop). One client keeps one connection cache, so
// sequential requests reuse keep-alive connections. Completion happens on the caller's
// executor; cancelling through the handler's cancellation slot aborts the transfer.
//
//   auto r = co_await client.request(HttpRequest{.path = "/v1/status/leader"}, net::use_awaitable);
//   if (!r) log(r.error().message());

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "consul/agent_config.hpp"
#include "consul/api_error.hpp"

namespace gatehouse::consul {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Response headers with case-insensitive lookup (HTTP header names are case-insensitive).
class HttpHeaders {
 public:
  void add(std::string name, std::string value);
  std::optional<std::string_view> find(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct HttpRequest {
  std::string method = "GET";
  std::string path;   // "/v1/agent/connect/ca/roots", without the agent's path prefix
  QueryParams query;  // encoded by the client; a parameter with an empty value is sent as `name`
  std::string body;   // sent for POST/PUT (and DELETE when non-empty)
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{30'000};  // the whole transfer
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

// A transfer's outcome. Any status is a successful transfer: mapping a status to an error is
// the caller's choice (see ApiError::from_status).
using HttpResult = boost::system::result<HttpResponse, ApiError>;

// What will be sent, built from the agent config and a request; pure, so tests can check the
// URL (prefix, query escaping, dc=) and headers (X-Consul-Token) without a server.
struct PreparedRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value" lines
};
boost::system::result<PreparedRequest, std::string> prepare_request(const AgentConfig& config,
                                                                    const HttpRequest& request);

// libcurl's process-wide initialisation; call once from main before starting threads.
// HttpClient calls it too (idempotent) for tests and single-threaded tools.
void init_http_globally();

class HttpClient {
 public:
  using executor_type = boost::asio::any_io_executor;
  using Handler = boost::asio::any_completion_handler<void(HttpResult)>;

  // All transfers run on `executor` (a single-threaded io_context's executor or a strand).
  HttpClient(executor_type executor, AgentConfig config);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  template <class CompletionToken>
  auto request(HttpRequest req, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(HttpResult)>(
        [this](auto handler, HttpRequest r) { start(std::move(r), Handler{std::move(handler)}); },
        token, std::move(req));
  }

  const AgentConfig& config() const;
  executor_type get_executor() const;

 private:
  class Impl;
  void start(HttpRequest req, Handler handler);
  std::shared_ptr<Impl> impl_;
};

}  // namespace gatehouse::consul
