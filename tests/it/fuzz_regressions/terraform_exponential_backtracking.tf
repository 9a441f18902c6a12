ea = {idrpermissiquirpAermissiform +requirpermissiform +{
  required_provders= {idrpe +requirpermissiform +{
  requiredders= {idrpe +requirpermissiform +{
  required_provders= {idrpermissiquirpAermissiform +requirpermissiform +{
  required_provovviders= {idrpermissiquirpAermisjiform +requirpermisrmissiquirpAermissiform +requirpermissiform +{
  required_provovviders= {idrpermissiquirpAermisjiform +requirpermissiform +{
  iquirpAermissiform +requirpermissiform +{
  required_provders= {idrpe +requirpermissiform +{
  requiredders= {idrm +requirpermissiform +{
  required_provders= {idrpe +requirpermissiform +{
  requiredders= {idrpe +requirpermissiform +{
  required_provders= {idrpermissiquirpAermissiform +requirpermissiform +{
  required_provovviders= {idrpermissiquirpAermisjiform +requirpermisrmissiquirpAermissiform +requirpermissiform +{
  required_provovviderequiredissiquirpAermissiform +requirpermissiform +{
  required_provders= {idrpe +requirpermissiform +{
  requiredders= {idrpe +requirpermissiform +{
  required_provders= {idrpermissiquirpAermissiform +requirpermissiform +{
  required_provovviders= {idrpermissiquirpreAmisjiform +requirpermisrmissiquirpAermissiform +requirpermissiform +{
  required_provovviders= {idrpermissiquirpAermisjiform +requirpermissiform +{
  iquirpAermissiform +requirpermissiform +{
  required_provders= {idrpe +requirpermissiform +{
  requiredders= {idrpe +requirpermissiform +{
  required_provders= {idrpermissiquirpAermissiform +requirpermissiform +{
  required_provovviders= {idrpermissiquirpAermpe +requirpermissiform +{
  required_provders= {idrpermissiquirpAermissiform +requirpermissiform +{
  required_provovviders= {idrpermissiquirpAermisjiform +requirpermisrmissiquirpAermissiform +requirpermissiform +{
  required_provovviderequiredissiquirpAermissiform +requirpermissiform +{
  required_provders= {idrpe +requirpermissiform +{
  requiredders= {idrpe +requirpermissiform +{
  required_provders= {idrpermissiquirpAermissiform +requirpermissiform +{
  required_provovviders= {idrpermissiquirpAermisjiform +requirpermisrmissiquirpAermissiform +requirpermissiform +{
  required_provovviders= {idrpermissiquirpAermisjiform +requirpermissiform +{
  iquirpAermissiform +requirpermissiform +{
  required_provders= {idrpe +requirpermissiform +{
  requiredders= {idr