$v =  -ass!tintss*  -ass!tintss*v{r{
!e{d{!v{*e{d{o	(		(					v{r{
!e{dv{r{
!e{d{!v{*e{d{o	(		(					v{r{
!e{d{[[0.]
