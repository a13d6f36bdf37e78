#include "tools/demo/demo_agent.hpp"

#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <optional>
#include <type_traits>

#include "consul/failure.hpp"
#include "tools/intention/intention_ops.hpp"
#include "tools/intention/intention_table.hpp"

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

}  // namespace

DemoAgent::DemoAgent(consul::AgentConfig config)
    : config_(std::move(config)), agent_(io_.get_executor(), config_) {
  agent_.set_request_timeout(std::chrono::seconds{10});
}

DemoResult<void> DemoAgent::register_service(const consul::AgentServiceRegistration& registration) {
  return run_call(io_, agent_.register_service(registration, false),
                  "register " + registration.name);
}

DemoResult<std::string> DemoAgent::create_intention(const std::string& source,
                                                    const std::string& destination,
                                                    const std::string& action) {
  return tools::create_intention(config_, source, destination, action, "");
}

DemoResult<std::string> DemoAgent::update_intention(const std::string& source,
                                                    const std::string& destination,
                                                    const std::string& action) {
  return update_intention_action(config_, source, destination, action);
}

DemoResult<std::string> DemoAgent::delete_intention(const std::string& source,
                                                    const std::string& destination) {
  return tools::delete_intention(config_, source, destination);
}

DemoResult<std::string> DemoAgent::intention_table() {
  auto list = list_intentions(config_);
  if (!list) return Failure{list.error()};
  return DemoResult<std::string>{boost::system::in_place_value, format_intention_table(*list)};
}

}  // namespace gatehouse::tools
