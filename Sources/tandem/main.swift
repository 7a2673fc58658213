import Foundation
import TandemCLI

exit(TandemCLI.main())
