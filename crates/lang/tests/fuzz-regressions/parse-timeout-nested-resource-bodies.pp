cla(
(Uz-_(
site{!
 e<te{!
JJJJJJJJJJJJJJJJ(QU_U_(e{!
 e<te{se{!te{
{{!te{
{{!te{
{{!te{



e
{!
JJJcla(
(Uz-_(
site{!
 e<te{!
JJJJJJJJJJJJJJJJ(QU_U_(e{!
 e<te{se{!te{
{{!te{
{{!te{
{{!te{



e
{!
JJJJJJJJJJJJJJHJJJJ(UU_U_(
(Fxi**se
{xi*}
FF1  