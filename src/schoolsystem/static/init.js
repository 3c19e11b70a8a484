// GOV.UK Frontend's components (header menu toggle, error summary focus, ...). A module script from 'self':
// allowed by the Content-Security-Policy in core/middleware.py without a nonce.
import { initAll } from './govuk/govuk-frontend.min.js'

initAll()
document.documentElement.dataset.govukFrontend = 'initialised'
