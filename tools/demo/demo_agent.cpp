#include "tools/demo/demo_agent.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <optional>
#include <type_traits>

#include "consul/failure.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
using consul::Failure;

namespace {

// Runs one agent call to completion on `io` and turns its ApiError into text.
template <class T>
DemoResult<T> run_call(net::io_context& io, net::awaitable<consul::ApiResult<T>> call,
                       const std::string& what) {
  std::optional<consul::ApiResult<T>> out;
  std::string unexpected;
  net::co_spawn(io, std::move(call), [&](const std::exception_ptr& e, consul::ApiResult<T> r) {
    io.stop();  // the client keeps idle connections (work) alive
    if (e) {
      unexpected = what + ": unexpected error";
      return;
    }
    out = std::move(r);
  });
  io.restart();
  io.run();
  if (!out) return Failure{unexpected.empty() ? what + ": did not finish" : unexpected};
  if (!*out) return Failure{what + ": " + out->error().message()};
  if constexpr (std::is_void_v<T>) {
    return {};
  } else {
    return std::move(**out);
  }
}

consul::Intention exact_intention(const std::string& source, const std::string& destination,
                                  const std::string& action) {
  consul::Intention ixn;
  ixn.source_ns = std::string{consul::kDefaultNamespace};
  ixn.source_name = source;
  ixn.destination_ns = std::string{consul::kDefaultNamespace};
  ixn.destination_name = destination;
  ixn.action = action;
  return ixn;
}

}  // namespace

DemoAgent::DemoAgent(consul::AgentConfig config) : agent_(io_.get_executor(), std::move(config)) {
  agent_.set_request_timeout(std::chrono::seconds{10});
}

DemoResult<void> DemoAgent::register_service(const consul::AgentServiceRegistration& registration) {
  return run_call(io_, agent_.register_service(registration, false),
                  "register " + registration.name);
}

DemoResult<void> DemoAgent::create_intention(const std::string& source,
                                             const std::string& destination,
                                             const std::string& action) {
  return run_call(io_, agent_.intention_put_exact(exact_intention(source, destination, action)),
                  "create intention " + source + " => " + destination);
}

DemoResult<void> DemoAgent::update_intention(const std::string& source,
                                             const std::string& destination,
                                             const std::string& action) {
  auto existing = run_call(io_, agent_.intention_get_exact(source, destination),
                           "update intention " + source + " => " + destination);
  if (!existing) return Failure{existing.error()};
  return create_intention(source, destination, action);
}

DemoResult<void> DemoAgent::delete_intention(const std::string& source,
                                             const std::string& destination) {
  return run_call(io_, agent_.intention_delete_exact(source, destination),
                  "delete intention " + source + " => " + destination);
}

DemoResult<std::vector<consul::Intention>> DemoAgent::list_intentions() {
  auto list = run_call(io_, agent_.intentions(), "list intentions");
  if (!list) return Failure{list.error()};
  return std::move(list->value);
}

std::string format_intention_table(const std::vector<consul::Intention>& intentions) {
  std::vector<std::array<std::string, 5>> rows{
      {"ID", "Source", "Action", "Destination", "Precedence"}};
  for (const auto& i : intentions) {
    rows.push_back({i.id, i.source_cli_string(), i.action, i.destination_cli_string(),
                    std::to_string(i.precedence)});
  }
  std::array<std::size_t, 5> widths{};
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

}  // namespace gatehouse::tools
