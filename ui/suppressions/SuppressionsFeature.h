#pragma once

#include "shell/Feature.h"

namespace herald {

class SuppressionsView;

// The Suppressions section: addresses the e-mail channel no longer sends to. GUI thread only.
class SuppressionsFeature : public Feature
{
    Q_OBJECT

public:
    explicit SuppressionsFeature(QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    QWidget *page() const override;
    Section section() const override;
    void activate(bool changed) override;

    SuppressionsView *view() const { return m_view; }

private:
    SuppressionsView *m_view;
};

} // namespace herald
