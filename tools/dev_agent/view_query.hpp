#pragma once
// Runs a catalog view as Consul's blockingQuery does (agent/consul/rpc.go): run it; if its index
// is past the client's `?index`, answer; otherwise wait until one of the state-store entries the
// view watches moves (the go-memdb WatchSet), then run it again. When `?wait` runs out the last
// result is answered as it was, with its index, so an unrelated write never wakes a watcher.
// Also: the ACL read filtering of the catalog lists (Consul's filterACL).

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string_view>

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/blocking.hpp"
#include "tools/dev_agent/catalog.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

// `view` returns an Indexed<T>; TTL checks lapse (a change like any other) while waiting.
template <class View>
boost::asio::awaitable<decltype(std::declval<View&>()())> run_view_query(
    AgentContext& ctx, const BlockingParams& params, View view) {
  using Clock = std::chrono::steady_clock;
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(query_timeout(params.wait));
  auto& notifier = ctx.store.notifier();
  for (;;) {
    ctx.catalog.expire_ttl_checks(Clock::now());
    auto result = view();
    if (!should_block(params.index, result.index)) co_return result;
    const auto seen = ctx.store.key_values(result.watch);
    bool moved = false;
    while (!moved && !notifier.stopping() && Clock::now() < deadline) {
      auto wake = deadline;
      if (auto lapse = ctx.catalog.next_ttl_expiry()) wake = std::min(wake, *lapse);
      co_await notifier.wait_until(wake);
      ctx.catalog.expire_ttl_checks(Clock::now());
      moved = ctx.store.key_values(result.watch) != seen;
    }
    if (!moved) co_return result;
  }
}

// What a token may read of a catalog list.
enum class ReadAccess { kAll, kNothing };

// The dev agent's ACL model applied to a read: the management token (or ACLs off) reads all, the
// anonymous token reads nothing (the list is filtered), an unknown token is `ACL not found`.
boost::system::result<ReadAccess, HttpError> read_access(const AgentContext& ctx,
                                                         const Request& req,
                                                         std::string_view permission,
                                                         std::string_view resource);

// A filtered list answer: X-Consul-Results-Filtered-By-ACLs when the filter removed something.
void mark_filtered(Response& response, bool removed);

}  // namespace gatehouse::tools
