#pragma once
// An in-process registrar for tests: installed on a UserAgent as its REGISTER handler,
// challenges with 401 (the digest module's server side), verifies the answer, stores the
// binding and grants a configurable lifetime.

#include <voip/sip/digest.hpp>
#include <voip/sip/uas_policy.hpp>
#include <voip/sip/user_agent.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace voip::sip::test {

class RegistrarDouble {
public:
    RegistrarDouble(UserAgent& ua, std::map<std::string, std::string> users,
                    std::string realm = "example.com", DigestServerOptions options = md5_only())
        : users_(std::move(users)), server_(std::move(realm), std::move(options)) {
        ua.on_request("REGISTER", [this](const IncomingRequest& in) { handle(in); });
    }

    static DigestServerOptions md5_only() {
        DigestServerOptions o;
        o.algorithms = {DigestAlgorithm::md5};
        return o;
    }

    /// Lifetime granted (0: the one asked for).
    std::uint32_t grant = 0;
    /// Answer the next authorized REGISTER with 401 stale=true once.
    bool stale_once = false;

    int requests = 0;    ///< REGISTERs received
    int challenges = 0;  ///< 401s sent
    int accepted = 0;    ///< 200s sent
    std::optional<Request> last;
    std::map<std::string, std::string> bindings;  ///< AOR -> Contact value (with expires)

private:
    void challenge(ServerTransaction& tx, bool stale) {
        ++challenges;
        Response r = Response::make_for(tx.request(), 401, {}, make_tag());
        r.add_header(HeaderId::www_authenticate,
                     server_.challenge(DigestAlgorithm::md5, stale).value().to_string());
        (void)tx.respond(std::move(r));
    }

    void handle(const IncomingRequest& in) {
        ++requests;
        const Request& request = in.request;
        last = request;
        // RFC 4475 regaut01: an unknown scheme is ignored, as if there were no credentials.
        std::optional<DigestResponse> answer;
        for (auto value : request.authorization()) {
            if (auto parsed = DigestResponse::parse(value)) answer = *parsed;
        }
        if (!answer) {
            challenge(*in.transaction, false);
            return;
        }
        auto user = users_.find(answer->username);
        if (user == users_.end()) {
            challenge(*in.transaction, false);
            return;
        }
        auto ok = server_.verify(*answer, request.method(),
                                 DigestCredentials::from_password(user->first, user->second));
        if (!ok) {
            challenge(*in.transaction, ok.error() == DigestError::stale_nonce);
            return;
        }
        if (stale_once) {
            stale_once = false;
            challenge(*in.transaction, true);
            return;
        }
        ++accepted;
        const std::uint32_t asked = request.expires().value_or(3600);
        const std::uint32_t granted = grant != 0 && asked != 0 ? grant : asked;
        Response r = Response::make_for(request, 200, {}, make_tag());
        auto contact = request.header(HeaderId::contact);
        const std::string aor = request.to() ? request.to()->uri().to_string() : "";
        if (contact && granted > 0) {
            std::string value(*contact);
            value += ";expires=" + std::to_string(granted);
            bindings[aor] = value;
            r.add_header(HeaderId::contact, value);
        } else {
            bindings.erase(aor);
        }
        r.add_header(HeaderId::expires, std::to_string(granted));
        (void)in.transaction->respond(std::move(r));
    }

    std::map<std::string, std::string> users_;
    DigestServer server_;
};

}  // namespace voip::sip::test
