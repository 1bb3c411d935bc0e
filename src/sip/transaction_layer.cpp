#include <voip/log.hpp>
#include <voip/sip/transaction_layer.hpp>
#include <voip/sip/transaction_requests.hpp>
#include <voip/sip/transport_error.hpp>
#include <voip/sip/uas_policy.hpp>

#include <fmt/format.h>

#include <cctype>

namespace voip::sip {
namespace {

constexpr std::string_view component = "sip.transaction";

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// §17.2.3 / §8.1.1.7: a branch is an RFC 3261 transaction id only if it starts with the magic
// cookie AND has something after it; a bare "z9hG4bK" (RFC 4475 §3.2.1 badbranch) is treated as
// an RFC 2543 request. (Via::has_rfc3261_branch() only checks the prefix.)
bool is_rfc3261_branch(std::string_view branch) {
    return branch.size() > branch_cookie.size() && branch.starts_with(branch_cookie);
}

// RFC 3261 §17.1.3: a response matches the client transaction whose request had the same
// top-Via branch and whose CSeq method equals the response's (so a CANCEL's responses do not
// match the INVITE sharing its branch).
std::string client_key(std::string_view branch, std::string_view cseq_method) {
    std::string key(branch);
    key += '|';
    key += cseq_method;
    return key;
}

// RFC 3261 §17.2.3. With the magic cookie: branch + sent-by of the top Via + method (ACK
// matching INVITE). Without it (RFC 2543 peers): Request-URI, From tag, Call-ID, CSeq number,
// top Via, method and the To tag of the request that created the transaction (@p to_tag: the
// request's own, except for an ACK, whose To tag is checked against our response by the caller).
std::optional<std::string> server_key(const Request& request, std::string_view method,
                                      std::string_view to_tag) {
    auto via = request.top_via();
    auto cseq = request.cseq();
    if (!via || !cseq) return std::nullopt;
    if (method == "ACK") method = "INVITE";
    if (is_rfc3261_branch(via->branch())) {
        return fmt::format("3261|{}|{}:{}|{}", via->branch(), lower(via->host),
                           via->port ? *via->port : 0, method);
    }
    return fmt::format("2543|{}|{}|{}|{}|{}|{}|{}", request.request_uri_text(), request.from_tag(),
                       request.call_id(), cseq->number, method, via->to_string(), to_tag);
}

bool is_rfc2543_key(const std::string& key) {
    return key.starts_with("2543|");
}

// §8.2.2.2: From tag, Call-ID and CSeq of a request without To tag.
std::optional<std::string> merge_key(const Request& request) {
    if (!request.to_tag().empty()) return std::nullopt;
    auto cseq = request.cseq();
    if (!cseq) return std::nullopt;
    return fmt::format("{}|{}|{}|{}", request.from_tag(), request.call_id(), cseq->number,
                       cseq->method);
}

}  // namespace

TransactionLayer::TransactionLayer(asio::any_io_executor executor, MessageChannel& channel,
                                   TimerService& timers, TimerConfig config)
    : executor_(std::move(executor)), channel_(channel), timers_(&timers), config_(config) {}

TransactionLayer::TransactionLayer(asio::any_io_executor executor, MessageChannel& channel,
                                   TimerConfig config)
    : executor_(std::move(executor)),
      channel_(channel),
      owned_timers_(std::make_unique<AsioTimerService>(executor_)),
      timers_(owned_timers_.get()),
      config_(config) {}

TransactionLayer::~TransactionLayer() {
    auto clients = std::move(clients_);
    auto servers = std::move(servers_);
    clients_.clear();
    servers_.clear();
    for (auto& [key, tx] : clients)
        tx->detach();
    for (auto& [key, tx] : servers)
        tx->detach();
}

Result<std::shared_ptr<ClientTransaction>> TransactionLayer::send_request(
    Request request, const TransportAddress& to) {
    if (request.method_id() == Method::ack) return TransactionError::unmatchable_message;
    auto cseq = request.cseq();
    if (!cseq) return TransactionError::unmatchable_message;
    const std::string method(cseq->method);
    std::string branch;
    if (request.count(HeaderId::via) == 0) {
        // §8.1.1.7 / §18.1.1: a new branch with the magic cookie; rport per RFC 3581.
        branch = generate_branch();
        request.prepend_header(HeaderId::via,
                               fmt::format("SIP/2.0/{} {};branch={};rport", via_token(to.kind),
                                           channel_.sent_by(to), branch));
    } else {
        auto via = request.top_via();
        if (!via || !is_rfc3261_branch(via->branch())) return TransactionError::unmatchable_message;
        branch = std::string(via->branch());
    }
    std::string key = client_key(branch, method);
    if (clients_.contains(key)) return TransactionError::unmatchable_message;
    const bool reliable = channel_.is_reliable(to.kind);
    std::shared_ptr<ClientTransaction> tx(
        new ClientTransaction(*this, std::move(request), to, branch, key, reliable));
    clients_.emplace(std::move(key), tx);
    // Guarded: the arguments (to_string) cost an allocation per request even when not logged.
    if (log::enabled(log::Level::debug))
        log::debug(component, "client {} {} to {}", branch, method, to.to_string());
    tx->start();
    return tx;
}

void TransactionLayer::initiate_send(Request request, const TransportAddress& to,
                                     std::unique_ptr<detail::FinalResponseHandler> handler) {
    auto tx = send_request(std::move(request), to);
    if (!tx) {
        handler->complete(tx.error(), Response(500, "Local Error"));
        return;
    }
    (*tx)->wait(std::move(handler));
}

Result<void> TransactionLayer::receive(const AnyMessage& message, const TransportAddress& from) {
    if (const auto* request = std::get_if<Request>(&message)) return receive(*request, from);
    return receive(std::get<Response>(message), from);
}

Result<void> TransactionLayer::receive(const Response& response, const TransportAddress& from) {
    auto via = response.top_via();
    auto cseq = response.cseq();
    if (!via || !cseq) return TransactionError::unmatchable_message;
    auto it = clients_.find(client_key(via->branch(), cseq->method));
    if (it == clients_.end()) {
        log::debug(component, "stray {} response for branch {}", response.status_code(),
                   via->branch());
        if (on_stray_response_) on_stray_response_(response, from);
        return {};
    }
    auto tx = it->second;  // keep it alive while it runs
    tx->receive(response);
    return {};
}

std::shared_ptr<ServerTransaction> TransactionLayer::match_server(const Request& request,
                                                                  std::string_view method) const {
    if (request.method_id() != Method::ack) {
        auto key = server_key(request, method, request.to_tag());
        if (!key) return nullptr;
        auto it = servers_.find(*key);
        return it == servers_.end() ? nullptr : it->second;
    }
    // §17.2.3, RFC 2543 ACK: the INVITE had no To tag (or, inside a dialog, the same tag as
    // the ACK); the ACK's To tag must equal the tag of the response we sent.
    for (std::string_view invite_tag : {std::string_view{}, request.to_tag()}) {
        auto key = server_key(request, method, invite_tag);
        if (!key) return nullptr;
        auto it = servers_.find(*key);
        if (it == servers_.end()) continue;
        const auto& tx = it->second;
        if (!is_rfc2543_key(*key)) return tx;
        if (request.to_tag() == tx->last_to_tag_) return tx;
    }
    return nullptr;
}

Result<void> TransactionLayer::receive(const Request& request, const TransportAddress& from) {
    auto key = server_key(request, request.method(), request.to_tag());
    if (!key) return TransactionError::unmatchable_message;
    if (request.method_id() == Method::ack) {
        // An RFC 3261 key does not depend on the To tag: the one computed above is the
        // INVITE's. Only RFC 2543 keys need match_server()'s two tries.
        std::shared_ptr<ServerTransaction> tx;
        if (is_rfc2543_key(*key)) {
            tx = match_server(request, request.method());
        } else if (auto it = servers_.find(*key); it != servers_.end()) {
            tx = it->second;
        }
        if (tx) {
            tx->receive_ack(request);
            return {};
        }
    } else if (auto it = servers_.find(*key); it != servers_.end()) {
        // A retransmission (§17.2.3: the key is all of the matching rule; computed once).
        auto tx = it->second;  // keep it alive while it runs
        tx->receive_retransmission();
        return {};
    }
    if (request.method_id() == Method::ack) {
        // An ACK matching no transaction: the ACK for a 2xx (§17.1.1.3: a new transaction of
        // its own that gets no response), for the dialog.
        pass_ack_up(request, from);
        return {};
    }
    if (servers_.size() >= max_servers_) {
        refuse_overload(request, from);
        return {};
    }
    std::shared_ptr<ServerTransaction> tx(
        new ServerTransaction(*this, request, from, *key, channel_.is_reliable(from.kind)));
    // Absent: the lookups above found no transaction with this key.
    servers_.emplace(std::string_view(tx->key_), tx);
    std::shared_ptr<ServerTransaction> merged;
    if (auto mk = merge_key(request)) {
        if (auto found = merge_index_.find(*mk); found != merge_index_.end()) {
            merged = found->second->shared_from_this();
        } else {
            tx->merge_key_ = std::move(*mk);
            merge_index_.emplace(std::string_view(tx->merge_key_), tx.get());
        }
    }
    if (log::enabled(log::Level::debug)) {
        log::debug(component, "server {} {} from {}{}", *key, request.method(), from.to_string(),
                   merged ? " (merged request)" : "");
    }
    tx->start();
    if (on_request_) {
        on_request_(IncomingRequest{tx->request(), from, tx, merged});
    } else if (tx->state() != ServerState::terminated) {
        (void)tx->respond(503);
    }
    return {};
}

void TransactionLayer::refuse_overload(const Request& request, const TransportAddress& from) {
    // Stateless on purpose: a transaction per refused request is the memory we must not spend.
    // RFC 3261 §21.5.4 / RFC 3261 §8.1.3.5: 503 with Retry-After asks the client to back off.
    ++refused_;
    if (refused_ == 1 || refused_ % 1000 == 0) {
        log::warning(component, "{} server transactions: refusing {} from {} with 503 ({} so far)",
                     servers_.size(), request.method(), from.to_string(), refused_);
    }
    Response response = Response::make_for(request, 503, {}, make_tag());  // §8.2.6.2: a To tag
    response.add_header(HeaderId::retry_after, "5");
    channel_.send(response, from, nullptr);
}

std::size_t TransactionLayer::connection_lost(const TransportAddress& remote) {
    if (!channel_.is_reliable(remote.kind)) return 0;
    std::vector<std::shared_ptr<ClientTransaction>> affected;
    for (const auto& [key, tx] : clients_) {
        if (tx->destination() == remote) affected.push_back(tx);
    }
    std::size_t ended = 0;
    for (const auto& tx : affected) {
        // The machine decides: Calling/Trying/Proceeding fail, later states ignore it.
        const auto before = tx->state();
        tx->transport_detail_ = TransportError::connection_closed;
        tx->run(tx->machine_.on_transport_error(), nullptr);
        ended += tx->state() != before ? 1 : 0;
    }
    if (ended > 0) {
        log::debug(component, "connection to {} lost: {} client transaction(s) failed",
                   remote.to_string(), ended);
    }
    return ended;
}

void TransactionLayer::pass_ack_up(const Request& ack, const TransportAddress& from) {
    if (on_request_) on_request_(IncomingRequest{ack, from, nullptr, nullptr});
}

std::shared_ptr<ServerTransaction> TransactionLayer::find_invite_for_cancel(
    const Request& cancel) const {
    auto tx = match_server(cancel, "INVITE");
    if (tx && tx->is_invite()) return tx;
    return nullptr;
}

std::shared_ptr<ClientTransaction> TransactionLayer::find_client(std::string_view branch,
                                                                 std::string_view method) const {
    auto it = clients_.find(client_key(branch, method));
    return it == clients_.end() ? nullptr : it->second;
}

void TransactionLayer::remove(const ClientTransaction& tx) {
    auto it = clients_.find(tx.key_);
    if (it != clients_.end() && it->second.get() == &tx) clients_.erase(it);
}

void TransactionLayer::remove(const ServerTransaction& tx) {
    if (!tx.merge_key_.empty()) {
        auto m = merge_index_.find(tx.merge_key_);
        if (m != merge_index_.end() && m->second == &tx) merge_index_.erase(m);
    }
    auto it = servers_.find(tx.key_);
    if (it != servers_.end() && it->second.get() == &tx) servers_.erase(it);
}

}  // namespace voip::sip
