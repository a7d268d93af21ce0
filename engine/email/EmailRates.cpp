#include "EmailRates.h"

#include <algorithm>

namespace herald {

EmailCounts &EmailCounts::operator+=(const EmailCounts &o)
{
    sends += o.sends;
    deliveries += o.deliveries;
    hardBounces += o.hardBounces;
    softBounces += o.softBounces;
    suppressionListBounces += o.suppressionListBounces;
    undeterminedBounces += o.undeterminedBounces;
    complaints += o.complaints;
    rejects += o.rejects;
    opens += o.opens;
    clicks += o.clicks;
    delays += o.delays;
    renderingFailures += o.renderingFailures;
    subscriptions += o.subscriptions;
    other += o.other;
    return *this;
}

QString rateLevelName(RateLevel level)
{
    switch (level) {
    case RateLevel::Healthy: return QStringLiteral("healthy");
    case RateLevel::Review: return QStringLiteral("review");
    case RateLevel::Pause: return QStringLiteral("pause");
    }
    return {};
}

RateLevel EmailRates::bounceLevelOf(double rate)
{
    return rate >= kBouncePause ? RateLevel::Pause : rate >= kBounceReview ? RateLevel::Review : RateLevel::Healthy;
}

RateLevel EmailRates::complaintLevelOf(double rate)
{
    return rate >= kComplaintPause ? RateLevel::Pause : rate >= kComplaintReview ? RateLevel::Review : RateLevel::Healthy;
}

EmailRates EmailRates::from(const EmailCounts &c)
{
    EmailRates r;
    r.basis = std::max(c.sends, c.deliveries + c.hardBounces + c.softBounces);
    r.countedBounces = c.hardBounces - c.suppressionListBounces;
    if (r.basis > 0) {
        r.bounceRate = double(r.countedBounces) / double(r.basis);
        r.complaintRate = double(c.complaints) / double(r.basis);
    }
    r.bounceLevel = bounceLevelOf(r.bounceRate);
    r.complaintLevel = complaintLevelOf(r.complaintRate);
    return r;
}

} // namespace herald
