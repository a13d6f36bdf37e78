#pragma once
// The intentions that decide who may connect to our service, kept current with a blocking
// query on GET /v1/connect/intentions/match?by=destination&name=<service> (the source Consul's
// docs recommend to proxies that authorize locally: docs/connect/proxies/integrate.mdx). The
// answer is already in evaluation order, wildcards included, L7 intentions included (they deny
// at L4). Each answer is published as one immutable IntentionSet that any worker reads without
// locking; listeners (revocation) hear each change on the control thread.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "consul/agent_client.hpp"
#include "consul/blocking_query.hpp"
#include "consul/intention.hpp"
#include "proxy/agent_reachability.hpp"
#include "proxy/intention_index.hpp"
#include "proxy/watch_health.hpp"

namespace gatehouse::proxy {

struct IntentionSet {
  std::vector<consul::Intention> matches;  // by destination, highest precedence first
  IntentionIndex decisions;                // the same, prepared for deciding
  std::uint64_t index = 0;                 // X-Consul-Index of the answer
};

class IntentionWatch {
 public:
  using OnChange = std::function<void(const std::shared_ptr<const IntentionSet>&)>;

  // `reachability` hears every answer and failure; it must outlive the watch.
  IntentionWatch(const boost::asio::any_io_executor& executor, consul::AgentConfig config,
                 std::string service, AgentReachability& reachability,
                 consul::BlockingOptions options = {});
  IntentionWatch(const IntentionWatch&) = delete;
  IntentionWatch& operator=(const IntentionWatch&) = delete;

  // Before start(); called on the control thread after each new set is published.
  void on_change(OnChange callback) { on_change_ = std::move(callback); }
  // Before start(): every request's outcome is also recorded as watch `intentions`.
  void report_to(std::shared_ptr<WatchHealth> health) {
    report_health(watch_, std::move(health), "intentions");
  }
  void start() { watch_.start(); }
  void stop() { watch_.stop(); }

  // Any thread. Empty until the first answer.
  std::shared_ptr<const IntentionSet> current() const { return current_.load(); }
  // Any thread: is the last request to the agent failing, and since when?
  std::optional<AgentReachability::Outage> outage() const;

  // What the watch calls with each answer and failure; tests call them directly.
  void on_answer(const std::map<std::string, std::vector<consul::Intention>>& matches,
                 std::uint64_t index);
  void on_failure(const consul::ApiError& error, consul::milliseconds retry_in);

 private:
  consul::AgentClient agent_;
  std::string service_;
  AgentReachability& reachability_;
  OnChange on_change_;
  std::atomic<std::shared_ptr<const IntentionSet>> current_;
  AgentReachability own_outage_;  // this watch's own view (the shared one mixes in authorize)
  consul::Watch<std::map<std::string, std::vector<consul::Intention>>> watch_;
};

}  // namespace gatehouse::proxy
