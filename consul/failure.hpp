#pragma once
// boost::system::result<T, std::string> does not convert from a bare string implicitly;
// `return Failure{"text"};` reads better than spelling in_place_error everywhere.

#include <boost/system/result.hpp>
#include <string>
#include <utility>

namespace gatehouse::consul {

struct Failure {
  std::string reason;

  template <class T>
  operator boost::system::result<T, std::string>() && {  // NOLINT(google-explicit-constructor)
    return boost::system::result<T, std::string>{boost::system::in_place_error, std::move(reason)};
  }
};

}  // namespace gatehouse::consul
