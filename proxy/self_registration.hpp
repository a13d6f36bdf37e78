#pragma once
// `-register` / `-register-id`: the proxy registers itself with the local agent the way
// `consul connect proxy -register` does (command/connect/proxy/register.go): service
// `<service>-proxy` (ID `<service>-proxy[-<register-id>]`), Kind connect-proxy,
// Proxy.DestinationServiceName = <service>, the port actually bound, and a TTL check
// `<id>-ttl` named "proxy heartbeat" (TTL 30s) passed every 10 s. Every 30 s (and at once when a
// heartbeat is refused, e.g. after an agent restart) the agent's copy is compared and registered
// again if it is missing or differs. stop() deregisters (three attempts, as Consul).
// Runs on the control io_context.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "consul/agent_client.hpp"
#include "consul/agent_service_registration.hpp"
#include "proxy/watch_health.hpp"

namespace gatehouse::proxy {

struct SelfRegistrationSpec {
  std::string service;     // the represented service (-service)
  std::string id_suffix;   // -register-id
  std::string address;     // registered Address; empty: the agent's node address
  std::uint16_t port = 0;  // the public listener's bound port
};

// Consul's intervals; shorter ones are for tests.
struct RegistrationTiming {
  std::chrono::milliseconds heartbeat{10'000};  // TTL / 3
  std::chrono::milliseconds reconcile{30'000};
  std::chrono::milliseconds deregister_retry{500};
  std::chrono::milliseconds request_timeout{5'000};
};

// "<service>-proxy" or "<service>-proxy-<suffix>".
std::string proxy_service_id(const SelfRegistrationSpec& spec);
// "<id>-ttl".
std::string proxy_check_id(const SelfRegistrationSpec& spec);
// Pure: the PUT /v1/agent/service/register body.
consul::AgentServiceRegistration proxy_registration(const SelfRegistrationSpec& spec);
// The registered address for a listener bound to `host`: empty for 0.0.0.0 / :: (the agent then
// advertises its node address), else `host`.
std::string registration_address(const std::string& host);

class SelfRegistration {
 public:
  SelfRegistration(const boost::asio::any_io_executor& executor, consul::AgentConfig agent,
                   SelfRegistrationSpec spec, RegistrationTiming timing = {});
  SelfRegistration(const SelfRegistration&) = delete;
  SelfRegistration& operator=(const SelfRegistration&) = delete;

  // Before start(): every register, heartbeat and reconcile request's outcome goes to `health`
  // as `self_registration`.
  void report_to(std::shared_ptr<WatchHealth> health) { health_ = std::move(health); }
  // Registers, then keeps the check passing until stop().
  void start();
  // Ends the heartbeats and deregisters; `done` runs on the executor afterwards (also when the
  // agent could not be reached: the failure is logged).
  void stop(std::function<void()> done);

 private:
  boost::asio::awaitable<void> run();
  // `reason`: start, missing (the agent lost it) or changed (the agent's copy differs).
  boost::asio::awaitable<void> register_now(std::string_view reason);
  boost::asio::awaitable<void> reconcile();
  boost::asio::awaitable<void> heartbeat();
  boost::asio::awaitable<void> deregister();
  // To health_, if any: the agent answered, or the request failed.
  void report_answer();
  void report_failure(const consul::ApiError& error);

  consul::AgentClient agent_;
  SelfRegistrationSpec spec_;
  RegistrationTiming timing_;
  boost::asio::steady_timer timer_;
  std::function<void()> done_;
  std::shared_ptr<WatchHealth> health_;
  bool stopping_ = false;
  bool running_ = false;
};

}  // namespace gatehouse::proxy
