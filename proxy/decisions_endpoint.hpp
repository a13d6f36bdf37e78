#pragma once
// GET /decisions on the admin server (docs/decisions.md): the buffered decisions as
// application/x-ndjson, oldest first; with follow=1 the response stays open (chunked) and carries
// each new matching decision as it happens, until the client closes or the sidecar drains.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <string_view>

#include "proxy/decision_stream.hpp"

namespace gatehouse::proxy {

// The path is /decisions (any query).
bool is_decisions_target(std::string_view target);

// Answers one request for /decisions on `stream`. `decisions` is null when -decisions-buffer is 0
// (then 404). Returns whether the connection may carry another request (false after a follow
// stream or a failed write).
boost::asio::awaitable<bool> serve_decisions(
    boost::beast::tcp_stream& stream,
    const boost::beast::http::request<boost::beast::http::string_body>& request,
    std::shared_ptr<DecisionStream> decisions);

}  // namespace gatehouse::proxy
